package dev.chaostesting.protocols.mysql.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** A column definition (ColumnDefinition41) as far as the recording needs it. */
record Column(String schema, String table, String name, int type, int flags, int decimals) {

    static final int UNSIGNED_FLAG = 0x20;

    /** Parses a column definition packet; {@code extendedMetadata} when MariaDB's extended metadata was negotiated. */
    static Column parse(Packet packet, boolean extendedMetadata) throws MalformedPacketException {
        var p = packet.reader("column definition");
        p.lenencString(); // catalog, always "def"
        var schema = p.lenencString();
        var table = p.lenencString();
        p.lenencString(); // original table
        var name = p.lenencString();
        p.lenencString(); // original name
        if (extendedMetadata) {
            p.lenencBytes();
        }
        long fixed = p.lenenc();
        if (fixed < 10) {
            throw new MalformedPacketException("column definition: fixed fields length " + fixed + " (expected: 12)");
        }
        p.u16(); // character set
        p.u32(); // column length
        int type = p.u8();
        int flags = p.u16();
        int decimals = p.u8();
        return new Column(schema, table, name, type, flags, decimals);
    }

    boolean unsigned() {
        return (flags & UNSIGNED_FLAG) != 0;
    }

    Map<String, Object> toFields() {
        var f = new LinkedHashMap<String, Object>();
        f.put("name", name);
        if (!table.isEmpty()) {
            f.put("table", table);
        }
        f.put("type", Protocol.typeName(type));
        return f;
    }
}
