/*
 * libitsm: ITIL 4 incident management over SQLite and a YAML policy.
 */
#ifndef ITSM_ITSM_H
#define ITSM_ITSM_H

#define ITSM_VERSION "0.1.0"

#include "itsm/error.h"
#include "itsm/hooks.h"
#include "itsm/attachment.h"
#include "itsm/outbox.h"
#include "itsm/major.h"
#include "itsm/port.h"
#include "itsm/policy.h"
#include "itsm/ref.h"
#include "itsm/store.h"
#include "itsm/sla.h"
#include "itsm/stats.h"
#include "itsm/ticket.h"
#include "itsm/time.h"
#include "itsm/work.h"
#include "itsm/workflow.h"

#endif
