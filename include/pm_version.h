/* The one place the version number is set. */
#ifndef PM_VERSION_H
#define PM_VERSION_H

#define PM_VERSION "0.1.0"

#endif
