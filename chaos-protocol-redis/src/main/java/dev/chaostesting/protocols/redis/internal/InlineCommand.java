package dev.chaostesting.protocols.redis.internal;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Splits an inline command line into words the way the server does ({@code sdssplitargs}): words are separated by
 * white space; double quotes allow {@code \n \r \t \b \a \\ \"} and {@code \xHH} escapes, single quotes allow
 * {@code \'}; a closing quote must be followed by white space or the end.
 */
final class InlineCommand {

    private InlineCommand() {}

    /** The words, or null when quotes are unbalanced. */
    static @Nullable List<byte[]> split(byte[] line, int length) {
        var words = new ArrayList<byte[]>();
        int i = 0;
        while (true) {
            while (i < length && space(line[i])) {
                i++;
            }
            if (i >= length) {
                return words;
            }
            var word = new ByteArrayOutputStream();
            boolean inDouble = false;
            boolean inSingle = false;
            while (true) {
                if (inDouble) {
                    if (i >= length) {
                        return null;
                    }
                    byte b = line[i];
                    if (b == '\\'
                            && i + 3 < length
                            && line[i + 1] == 'x'
                            && hex(line[i + 2]) >= 0
                            && hex(line[i + 3]) >= 0) {
                        word.write(hex(line[i + 2]) * 16 + hex(line[i + 3]));
                        i += 3;
                    } else if (b == '\\' && i + 1 < length) {
                        i++;
                        word.write(
                                switch (line[i]) {
                                    case 'n' -> '\n';
                                    case 'r' -> '\r';
                                    case 't' -> '\t';
                                    case 'b' -> '\b';
                                    case 'a' -> 7;
                                    default -> line[i];
                                });
                    } else if (b == '"') {
                        if (i + 1 < length && !space(line[i + 1])) {
                            return null;
                        }
                        i++;
                        break;
                    } else {
                        word.write(b);
                    }
                    i++;
                } else if (inSingle) {
                    if (i >= length) {
                        return null;
                    }
                    byte b = line[i];
                    if (b == '\\' && i + 1 < length && line[i + 1] == '\'') {
                        word.write('\'');
                        i += 2;
                    } else if (b == '\'') {
                        if (i + 1 < length && !space(line[i + 1])) {
                            return null;
                        }
                        i++;
                        break;
                    } else {
                        word.write(b);
                        i++;
                    }
                } else {
                    if (i >= length || space(line[i])) {
                        break;
                    }
                    byte b = line[i];
                    if (b == '"') {
                        inDouble = true;
                    } else if (b == '\'') {
                        inSingle = true;
                    } else {
                        word.write(b);
                    }
                    i++;
                }
            }
            words.add(word.toByteArray());
        }
    }

    private static boolean space(byte b) {
        return b == ' ' || b == '\n' || b == '\r' || b == '\t' || b == 0x0b || b == '\f' || b == 0;
    }

    private static int hex(byte b) {
        return Character.digit(b, 16);
    }
}
