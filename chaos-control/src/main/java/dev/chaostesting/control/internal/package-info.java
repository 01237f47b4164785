/** The control API's routes, request parsing and JSON: not part of the public API. */
@NullMarked
package dev.chaostesting.control.internal;

import org.jspecify.annotations.NullMarked;
