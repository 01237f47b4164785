package dev.chaostesting.protocols.mysql.internal;

import java.util.ArrayList;
import java.util.List;

/** Rows of result sets as recorded: lists of values, cut short with a marker where the packet was not recorded. */
final class Rows {

    static final String NOT_RECORDED = "<not recorded>";

    private Rows() {}

    /** A text row: each value a length-encoded string, or 0xFB for NULL. */
    static List<Object> text(Packet packet, long columnCount) throws MalformedPacketException {
        var p = packet.reader("text row");
        var row = new ArrayList<Object>();
        try {
            for (long i = 0; i < Math.min(columnCount, Result.MAX_RECORDED_COLUMNS); i++) {
                var b = p.lenencBytes();
                row.add(b == null ? null : Values.cell(b));
            }
        } catch (MalformedPacketException e) {
            if (!p.truncated()) {
                throw e;
            }
            row.add(NOT_RECORDED);
        }
        return row;
    }

    /** A binary row: 0x00, a null bitmap (offset by 2 bits), then each non-null value by its column's type. */
    static List<Object> binary(Packet packet, List<Column> columns, long columnCount) throws MalformedPacketException {
        var p = packet.reader("binary row");
        int header = p.u8();
        if (header != 0) {
            throw new MalformedPacketException(String.format("binary row: starts 0x%02x (expected: 0x00)", header));
        }
        var row = new ArrayList<Object>();
        try {
            var nulls = p.bytes((Math.max(columnCount, columns.size()) + 7 + 2) / 8);
            for (int i = 0; i < columns.size(); i++) {
                int bit = i + 2;
                if ((nulls[bit / 8] & (1 << (bit % 8))) != 0) {
                    row.add(null);
                } else {
                    var c = columns.get(i);
                    row.add(Values.binary(p, c.type(), c.unsigned()));
                }
            }
        } catch (MalformedPacketException e) {
            if (!p.truncated()) {
                throw e;
            }
            row.add(NOT_RECORDED);
        }
        return row;
    }
}
