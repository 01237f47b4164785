package dev.chaostesting.protocols.postgres.internal;

import dev.chaostesting.spi.Side;

/** Constants and names of the v3 protocol's messages. */
final class Wire {

    static final int PROTOCOL_3 = 3;
    static final int SSL_REQUEST = 80877103;
    static final int GSSENC_REQUEST = 80877104;
    static final int CANCEL_REQUEST = 80877102;
    /** The server refuses longer startup packets. */
    static final int MAX_STARTUP_LENGTH = 10_000;

    private Wire() {}

    static int int32(byte[] b, int at) {
        return ((b[at] & 0xff) << 24) | ((b[at + 1] & 0xff) << 16) | ((b[at + 2] & 0xff) << 8) | (b[at + 3] & 0xff);
    }

    /** The message's name, or null when the type byte is not one this side sends. */
    static String name(Side side, byte type) {
        return side == Side.CLIENT ? clientName(type) : serverName(type);
    }

    private static String clientName(byte type) {
        return switch (type) {
            case 'Q' -> "Query";
            case 'P' -> "Parse";
            case 'B' -> "Bind";
            case 'D' -> "Describe";
            case 'E' -> "Execute";
            case 'S' -> "Sync";
            case 'H' -> "Flush";
            case 'C' -> "Close";
            case 'X' -> "Terminate";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'f' -> "CopyFail";
            case 'F' -> "FunctionCall";
            case 'p' -> "AuthenticationResponse";
            default -> null;
        };
    }

    private static String serverName(byte type) {
        return switch (type) {
            case 'R' -> "Authentication";
            case 'S' -> "ParameterStatus";
            case 'K' -> "BackendKeyData";
            case 'Z' -> "ReadyForQuery";
            case 'E' -> "ErrorResponse";
            case 'N' -> "NoticeResponse";
            case 'A' -> "NotificationResponse";
            case 'T' -> "RowDescription";
            case 'D' -> "DataRow";
            case 'C' -> "CommandComplete";
            case 'I' -> "EmptyQueryResponse";
            case '1' -> "ParseComplete";
            case '2' -> "BindComplete";
            case '3' -> "CloseComplete";
            case 't' -> "ParameterDescription";
            case 'n' -> "NoData";
            case 's' -> "PortalSuspended";
            case 'G' -> "CopyInResponse";
            case 'H' -> "CopyOutResponse";
            case 'W' -> "CopyBothResponse";
            case 'd' -> "CopyData";
            case 'c' -> "CopyDone";
            case 'V' -> "FunctionCallResponse";
            case 'v' -> "NegotiateProtocolVersion";
            default -> null;
        };
    }

    /** A type byte as shown in reasons: {@code 'Q'} when printable, else {@code 0x00}. */
    static String show(byte type) {
        return type >= 0x21 && type < 0x7f ? "'" + (char) type + "'" : String.format("0x%02x", type & 0xff);
    }

    static String transactionStatus(byte status) {
        return switch (status) {
            case 'I' -> "idle";
            case 'T' -> "transaction";
            case 'E' -> "failed";
            default -> null;
        };
    }
}
