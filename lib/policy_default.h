/* The default policy compiled into libitsm (lib/default.yaml). */
#ifndef ITSM_POLICY_DEFAULT_H
#define ITSM_POLICY_DEFAULT_H

extern const char itsm_default_policy_yaml[];

#endif
