/* How the processes of a campaign talk: under mpirun (Open MPI) every rank
 * runs its share of the trials; otherwise a single process does everything.
 * MPI is initialised only when the process was started by an MPI launcher,
 * so a plain `ftsa campaign` never needs mpirun. */
#ifndef FTSA_CAMP_COMM_H
#define FTSA_CAMP_COMM_H

#include "ftsa/error.h"

typedef struct {
    int rank, size;
    int mpi; /* MPI was initialised (finalize it) */
} ftsa_camp_comm_t;

/* 1 if this build can shard over MPI. */
int ftsa_camp_comm_has_mpi(void);
ftsa_status_t ftsa_camp_comm_init(ftsa_camp_comm_t *c, ftsa_err_t *err);
/* Collective over all ranks (a barrier): nonzero everywhere if flag is
 * nonzero on any rank. */
int ftsa_camp_comm_any(const ftsa_camp_comm_t *c, int flag);
void ftsa_camp_comm_finalize(ftsa_camp_comm_t *c);

#endif
