/**
 * The canonical model: records every other module reads. See README.md beside this file for what
 * each record means and what "absent" means. Nothing here does I/O.
 */
package dev.sbx.schemas.model;
