/**
 * The control API: {@link dev.chaostesting.control.ControlServer} serves HTTP/JSON endpoints to create interceptors,
 * inject faults and read recordings from tests in any language. See docs/control-api.md.
 */
@NullMarked
package dev.chaostesting.control;

import org.jspecify.annotations.NullMarked;
