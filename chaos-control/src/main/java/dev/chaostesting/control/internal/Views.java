package dev.chaostesting.control.internal;

import dev.chaostesting.fault.FaultSpecs;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** The JSON objects the API answers with (schemas in openapi.json). */
final class Views {

    private Views() {}

    static Map<String, Object> interceptor(Interceptors.Managed managed) {
        var running = managed.running();
        var config = running.config();
        var out = new LinkedHashMap<String, Object>();
        out.put("id", managed.id());
        out.put("mode", managed.mode());
        out.put("address", format(managed.address()));
        out.put("host", host(managed.address()));
        out.put("port", managed.address().getPort());
        out.put("target", managed.mode().equals("process") ? null : format(running.target()));
        out.put("pid", config.pid() > 0 ? config.pid() : null);
        out.put("direction", config.direction().wireName());
        out.put("protocol", config.protocol());
        // A string: JavaScript numbers cannot hold every 64-bit seed.
        out.put("seed", Long.toString(running.seed()));
        out.put("createdAt", managed.createdAt().toString());
        var recording = new LinkedHashMap<String, Object>();
        recording.put("enabled", config.recording());
        recording.put(
                "directory",
                config.recordingDirectory() == null
                        ? null
                        : config.recordingDirectory().toString());
        var stats = running.stats();
        recording.put("interactions", stats.interactions());
        recording.put("dropped", stats.dropped());
        recording.put("lastSequence", stats.interactions() + stats.dropped());
        out.put("recording", recording);
        out.put("interceptedPorts", new TreeSet<>(running.interceptedPorts()));
        out.put("faults", faults(managed.faults()));
        out.put("stats", stats(managed));
        out.put("log", managed.log());
        return out;
    }

    static Map<String, Object> stats(Interceptors.Managed managed) {
        var s = managed.running().stats();
        var out = new LinkedHashMap<String, Object>();
        out.put("connections", s.connections());
        out.put("activeConnections", s.activeConnections());
        out.put("connectFailures", s.connectFailures());
        out.put("bytesFromClients", s.bytesFromClients());
        out.put("bytesFromServers", s.bytesFromServers());
        out.put("interactions", s.interactions());
        out.put("dropped", s.dropped());
        return out;
    }

    static List<Object> faults(List<Interceptors.InjectedFault> faults) {
        var out = new ArrayList<Object>();
        for (var f : faults) {
            out.add(fault(f));
        }
        return out;
    }

    static Map<String, Object> fault(Interceptors.InjectedFault fault) {
        var out = new LinkedHashMap<String, Object>();
        out.put("id", fault.id());
        out.put("injectedAt", fault.injectedAt().toString());
        out.put("spec", FaultSpecs.toMap(fault.fault()));
        return out;
    }

    static String host(InetSocketAddress address) {
        return address.getAddress() == null
                ? address.getHostString()
                : address.getAddress().getHostAddress();
    }

    static String format(InetSocketAddress address) {
        var host = host(address);
        return (address.getAddress() instanceof Inet6Address ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
