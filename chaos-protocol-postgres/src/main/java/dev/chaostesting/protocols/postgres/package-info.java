/**
 * The PostgreSQL wire protocol (version 3): {@link dev.chaostesting.protocols.postgres.PostgresCodec} records startup,
 * authentication (secrets redacted), simple and extended queries with decoded parameters, results, errors, COPY and
 * notifications; {@link dev.chaostesting.protocols.postgres.PostgresFaults} encodes server answers used to inject
 * protocol faults.
 */
@NullMarked
package dev.chaostesting.protocols.postgres;

import org.jspecify.annotations.NullMarked;
