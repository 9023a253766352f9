#include "ftsa/camp_comm.h"

#include <stdlib.h>

#ifdef FTSA_HAVE_MPI
#include <mpi.h>
#endif

int ftsa_camp_comm_has_mpi(void)
{
#ifdef FTSA_HAVE_MPI
    return 1;
#else
    return 0;
#endif
}

/* Launchers (Open MPI's mpirun, PMIx, Hydra) export one of these to their ranks. */
static int launched_by_mpi(void)
{
    static const char *const vars[] = {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE",
                                       "PMI_RANK"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        if (getenv(vars[i]))
            return 1;
    return 0;
}

ftsa_status_t ftsa_camp_comm_init(ftsa_camp_comm_t *c, ftsa_err_t *err)
{
    c->rank = 0;
    c->size = 1;
    c->mpi = 0;
    if (!launched_by_mpi())
        return FTSA_OK;
#ifdef FTSA_HAVE_MPI
    if (MPI_Init(NULL, NULL) != MPI_SUCCESS)
        return ftsa_fail(err, FTSA_E_BACKEND, "MPI_Init failed");
    c->mpi = 1;
    MPI_Comm_rank(MPI_COMM_WORLD, &c->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c->size);
    return FTSA_OK;
#else
    return ftsa_fail(err, FTSA_E_UNSUPPORTED,
                     "started by an MPI launcher, but this ftsa was built without MPI; "
                     "every rank would run the whole campaign");
#endif
}

int ftsa_camp_comm_any(const ftsa_camp_comm_t *c, int flag)
{
#ifdef FTSA_HAVE_MPI
    if (c->mpi) {
        int in = flag != 0, out = 0;
        MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
        return out;
    }
#else
    (void)c;
#endif
    return flag != 0;
}

void ftsa_camp_comm_finalize(ftsa_camp_comm_t *c)
{
#ifdef FTSA_HAVE_MPI
    if (c->mpi)
        MPI_Finalize();
#endif
    c->mpi = 0;
}
