package dev.chaostesting.internal.har;

import dev.chaostesting.model.Headers;
import java.io.ByteArrayOutputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The HTTP details HAR spells out on their own: URLs, query strings, cookies, version names, form bodies. */
final class HarHttp {

    private HarHttp() {}

    /** An absolute URL split into the parts an interaction needs. */
    record Url(String scheme, String authority, String target) {

        /** The port the URL names, or the scheme's default. */
        int port() {
            int colon = authority.lastIndexOf(':');
            if (colon > authority.lastIndexOf(']')) {
                try {
                    return Integer.parseInt(authority.substring(colon + 1));
                } catch (NumberFormatException e) {
                    // "host:" or a malformed port: fall back to the scheme's default like browsers do
                }
            }
            return scheme.equals("https") || scheme.equals("wss") ? 443 : 80;
        }

        /** The host without the port, IPv6 literals keeping their brackets. */
        String host() {
            return hostOf(authority);
        }
    }

    /** A name/value pair of a query string or a form. */
    record Param(
            String name,
            String value,
            @Nullable String fileName,
            @Nullable String contentType) {}

    /** A cookie as HAR describes it; the optional attributes come from Set-Cookie only. */
    record Cookie(
            String name,
            String value,
            @Nullable String path,
            @Nullable String domain,
            @Nullable String expires,
            boolean httpOnly,
            boolean secure) {}

    /**
     * Splits a URL by hand: {@link java.net.URI} rejects the unencoded characters real traffic carries, and the target
     * must stay byte for byte what was sent. The fragment is dropped: it never reaches the server.
     */
    static Url parseUrl(String url) {
        if (url.startsWith("/")) {
            return new Url("http", "", withoutFragment(url));
        }
        int slashes = url.indexOf("://");
        if (slashes <= 0 || !isScheme(url.substring(0, slashes))) {
            // data:, about:blank, blob:... have no server; keep the whole URL so nothing is lost
            return new Url("", "", url);
        }
        int start = slashes + 3;
        int end = start;
        while (end < url.length() && "/?#".indexOf(url.charAt(end)) < 0) {
            end++;
        }
        var authority = url.substring(start, end);
        authority = authority.substring(authority.lastIndexOf('@') + 1);
        var target = withoutFragment(url.substring(end));
        if (target.isEmpty() || target.charAt(0) == '?') {
            target = "/" + target;
        }
        return new Url(url.substring(0, slashes).toLowerCase(Locale.ROOT), authority, target);
    }

    private static boolean isScheme(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return !s.isEmpty();
    }

    private static String withoutFragment(String s) {
        int hash = s.indexOf('#');
        return hash < 0 ? s : s.substring(0, hash);
    }

    /** The host of {@code host:port}, {@code [v6]:port} or a bare host. */
    static String hostOf(String address) {
        if (address.startsWith("[")) {
            int close = address.indexOf(']');
            return close < 0 ? address : address.substring(0, close + 1);
        }
        int colon = address.indexOf(':');
        // two colons and no brackets: a bare IPv6 literal, which has no port
        return colon < 0 || address.indexOf(':', colon + 1) >= 0 ? address : address.substring(0, colon);
    }

    /** Brackets a bare IPv6 literal so that {@code host:port} stays unambiguous. */
    static String bracketed(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** The version as the recording model spells it: {@code HTTP/1.1}, {@code HTTP/2}, {@code HTTP/3}. */
    static String normaliseVersion(String raw, boolean looksLikeHttp2) {
        var v = raw.trim().toUpperCase(Locale.ROOT);
        if (v.isEmpty() || v.equals("UNKNOWN")) {
            return looksLikeHttp2 ? "HTTP/2" : "HTTP/1.1";
        }
        if (v.equals("H2") || v.equals("H2C") || v.startsWith("HTTP/2")) {
            return "HTTP/2";
        }
        if (v.equals("H3") || v.startsWith("H3-") || v.startsWith("HTTP/3")) {
            return "HTTP/3";
        }
        return v;
    }

    /** The parameters of a query string, percent-decoded where the encoding is valid. */
    static List<Param> queryParams(String query) {
        var params = new ArrayList<Param>();
        for (var part : query.split("&")) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            var name = eq < 0 ? part : part.substring(0, eq);
            var value = eq < 0 ? "" : part.substring(eq + 1);
            params.add(new Param(decode(name), decode(value), null, null));
        }
        return params;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a stray '%' is common in real traffic; show it as sent
        }
    }

    /** Cookies of the {@code Cookie} request headers. */
    static List<Cookie> requestCookies(Headers headers) {
        var cookies = new ArrayList<Cookie>();
        for (var header : headers.all("Cookie")) {
            for (var pair : header.split(";")) {
                var c = nameValue(pair);
                if (c != null) {
                    cookies.add(new Cookie(c.getKey(), c.getValue(), null, null, null, false, false));
                }
            }
        }
        return cookies;
    }

    /** Cookies of the {@code Set-Cookie} response headers, with the attributes HAR has fields for. */
    static List<Cookie> responseCookies(Headers headers) {
        var cookies = new ArrayList<Cookie>();
        for (var header : headers.all("Set-Cookie")) {
            var parts = header.split(";");
            var c = nameValue(parts[0]);
            if (c == null) {
                continue;
            }
            String path = null;
            String domain = null;
            String expires = null;
            boolean httpOnly = false;
            boolean secure = false;
            for (int i = 1; i < parts.length; i++) {
                var attribute = nameValue(parts[i]);
                if (attribute == null) {
                    continue;
                }
                switch (attribute.getKey().toLowerCase(Locale.ROOT)) {
                    case "path" -> path = attribute.getValue();
                    case "domain" -> domain = attribute.getValue();
                    case "expires" -> expires = isoExpiry(attribute.getValue());
                    case "httponly" -> httpOnly = true;
                    case "secure" -> secure = true;
                    default -> {
                        // Max-Age, SameSite, Partitioned...: HAR 1.2 has no field for them; the header keeps them
                    }
                }
            }
            cookies.add(new Cookie(c.getKey(), c.getValue(), path, domain, expires, httpOnly, secure));
        }
        return cookies;
    }

    private static Map.@Nullable Entry<String, String> nameValue(String pair) {
        int eq = pair.indexOf('=');
        var name = (eq < 0 ? pair : pair.substring(0, eq)).trim();
        return name.isEmpty()
                ? null
                : Map.entry(name, eq < 0 ? "" : pair.substring(eq + 1).trim());
    }

    /** HAR wants ISO-8601; Set-Cookie has an RFC 1123 date, sometimes with dashes. Unparseable dates are left out. */
    private static @Nullable String isoExpiry(String date) {
        try {
            var parsed = ZonedDateTime.parse(date.replace('-', ' '), DateTimeFormatter.RFC_1123_DATE_TIME);
            return DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(parsed);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * Rebuilds a form body from {@code postData.params}, for tools that export the fields and not the text:
     * {@code multipart/form-data} when the MIME type names a boundary, else {@code application/x-www-form-urlencoded}.
     */
    static byte[] formBody(String mimeType, List<Param> params) {
        var boundary = boundary(mimeType);
        if (boundary == null) {
            var sb = new StringBuilder();
            for (var p : params) {
                if (sb.length() > 0) {
                    sb.append('&');
                }
                sb.append(URLEncoder.encode(p.name(), StandardCharsets.UTF_8))
                        .append('=')
                        .append(URLEncoder.encode(p.value(), StandardCharsets.UTF_8));
            }
            return sb.toString().getBytes(StandardCharsets.UTF_8);
        }
        var out = new ByteArrayOutputStream();
        for (var p : params) {
            var part = new StringBuilder("--").append(boundary).append("\r\n");
            part.append("Content-Disposition: form-data; name=\"")
                    .append(p.name())
                    .append('"');
            if (p.fileName() != null) {
                part.append("; filename=\"").append(p.fileName()).append('"');
            }
            part.append("\r\n");
            if (p.contentType() != null) {
                part.append("Content-Type: ").append(p.contentType()).append("\r\n");
            }
            part.append("\r\n").append(p.value()).append("\r\n");
            out.writeBytes(part.toString().getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    private static @Nullable String boundary(String mimeType) {
        if (!mimeType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return null;
        }
        for (var parameter : mimeType.split(";")) {
            var p = nameValue(parameter);
            if (p != null
                    && p.getKey().equalsIgnoreCase("boundary")
                    && !p.getValue().isEmpty()) {
                var value = p.getValue();
                return value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
                        ? value.substring(1, value.length() - 1)
                        : value;
            }
        }
        return null;
    }

    /** Bytes of an HTTP/1.x head (start line, fields, blank line); -1 for other versions, whose heads are binary. */
    static long headSize(String version, String startLine, Headers headers) {
        if (!version.toUpperCase(Locale.ROOT).startsWith("HTTP/1")) {
            return -1;
        }
        long size = utf8Length(startLine) + 2;
        for (var e : headers.entries()) {
            size += utf8Length(e.getKey()) + 2 + utf8Length(e.getValue()) + 2;
        }
        return size + 2;
    }

    private static long utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}
