/*
 * libpq, loaded when a PostgreSQL database is first opened, not when
 * itsm starts: linked in, libpq and the two dozen libraries it needs
 * (TLS, Kerberos, LDAP) cost every itsm process some 5 ms to load, a
 * SQLite user's included (make bench saw `itsm open` go from 1.2 to 2.5
 * times its baseline's).  Each libpq function the engine calls is a pointer
 * here, filled by pq_load() with dlsym(); the names below make the
 * engine's code read as plain libpq.  A function the engine starts to
 * use gets its line in PQ_FUNCS and its #define.
 *
 * Not part of the public API.
 */
#ifndef ITSM_PG_PQ_H
#define ITSM_PG_PQ_H

#include <libpq-fe.h>

/* X(return type, name, parameters) of each libpq function used. */
#define PQ_FUNCS(X) \
	X(void, PQclear, (PGresult *)) \
	X(char *, PQcmdStatus, (PGresult *)) \
	X(char *, PQcmdTuples, (PGresult *)) \
	X(PGconn *, PQconnectdb, (const char *)) \
	X(int, PQconnectionNeedsPassword, (const PGconn *)) \
	X(void, PQconninfoFree, (PQconninfoOption *)) \
	X(PQconninfoOption *, PQconninfoParse, (const char *, char **)) \
	X(int, PQconsumeInput, (PGconn *)) \
	X(char *, PQdb, (const PGconn *)) \
	X(char *, PQerrorMessage, (const PGconn *)) \
	X(char *, PQescapeIdentifier, (PGconn *, const char *, size_t)) \
	X(PGresult *, PQexec, (PGconn *, const char *)) \
	X(PGresult *, PQexecParams, (PGconn *, const char *, int, \
	    const Oid *, const char *const *, const int *, const int *, int)) \
	X(PGresult *, PQexecPrepared, (PGconn *, const char *, int, \
	    const char *const *, const int *, const int *, int)) \
	X(void, PQfinish, (PGconn *)) \
	X(void, PQfreemem, (void *)) \
	X(Oid, PQftype, (const PGresult *, int)) \
	X(int, PQgetisnull, (const PGresult *, int, int)) \
	X(int, PQgetlength, (const PGresult *, int, int)) \
	X(PGresult *, PQgetResult, (PGconn *)) \
	X(char *, PQgetvalue, (const PGresult *, int, int)) \
	X(int, PQnfields, (const PGresult *)) \
	X(PGnotify *, PQnotifies, (PGconn *)) \
	X(int, PQntuples, (const PGresult *)) \
	X(PGresult *, PQprepare, (PGconn *, const char *, const char *, int, \
	    const Oid *)) \
	X(int, PQputCopyData, (PGconn *, const char *, int)) \
	X(int, PQputCopyEnd, (PGconn *, const char *)) \
	X(char *, PQresultErrorField, (const PGresult *, int)) \
	X(ExecStatusType, PQresultStatus, (const PGresult *)) \
	X(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *, \
	    PQnoticeProcessor, void *)) \
	X(int, PQsocket, (const PGconn *)) \
	X(ConnStatusType, PQstatus, (const PGconn *)) \
	X(PGTransactionStatusType, PQtransactionStatus, (const PGconn *)) \
	X(char *, PQuser, (const PGconn *))

#define PQ_POINTER_(ret, name, params) extern ret (*itsm_##name) params;
PQ_FUNCS(PQ_POINTER_)
#undef PQ_POINTER_

/*
 * Loads libpq (libpq.so.5) once and fills the pointers: 0, or
 * ITSM_E_IO with a message when it is not installed.
 */
int pq_load(void);

#ifndef PQ_NO_NAMES
#define PQclear itsm_PQclear
#define PQcmdStatus itsm_PQcmdStatus
#define PQcmdTuples itsm_PQcmdTuples
#define PQconnectdb itsm_PQconnectdb
#define PQconnectionNeedsPassword itsm_PQconnectionNeedsPassword
#define PQconninfoFree itsm_PQconninfoFree
#define PQconninfoParse itsm_PQconninfoParse
#define PQconsumeInput itsm_PQconsumeInput
#define PQdb itsm_PQdb
#define PQerrorMessage itsm_PQerrorMessage
#define PQescapeIdentifier itsm_PQescapeIdentifier
#define PQexec itsm_PQexec
#define PQexecParams itsm_PQexecParams
#define PQexecPrepared itsm_PQexecPrepared
#define PQfinish itsm_PQfinish
#define PQfreemem itsm_PQfreemem
#define PQftype itsm_PQftype
#define PQgetisnull itsm_PQgetisnull
#define PQgetlength itsm_PQgetlength
#define PQgetResult itsm_PQgetResult
#define PQgetvalue itsm_PQgetvalue
#define PQnfields itsm_PQnfields
#define PQnotifies itsm_PQnotifies
#define PQntuples itsm_PQntuples
#define PQprepare itsm_PQprepare
#define PQputCopyData itsm_PQputCopyData
#define PQputCopyEnd itsm_PQputCopyEnd
#define PQresultErrorField itsm_PQresultErrorField
#define PQresultStatus itsm_PQresultStatus
#define PQsetNoticeProcessor itsm_PQsetNoticeProcessor
#define PQsocket itsm_PQsocket
#define PQstatus itsm_PQstatus
#define PQtransactionStatus itsm_PQtransactionStatus
#define PQuser itsm_PQuser
#endif

#endif
