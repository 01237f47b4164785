/** Recordings on disk: the directory format, reading and writing, JSON Lines and HAR export and import, redaction of secrets. */
@NullMarked
package dev.chaostesting.recording;

import org.jspecify.annotations.NullMarked;
