import Hummingbird
import LunaRuntime
import NIOCore
import Prometheus

/// `GET /metrics`, open as scrapers expect it, in Prometheus' text format. Counters and
/// histograms are recorded as the controller works (swift-metrics into `registry`); what
/// the state says now (members' sync and lag, Merkle agreement, the beacon's holder, the
/// log's length) is set at each scrape.
enum MetricsRoutes {
    static func add(
        to groups: RouteGroups, controller: Controller, beacon: BeaconKeeper?, registry: PrometheusCollectorRegistry
    ) {
        groups.open.get("/metrics") { _, _ in
            let status = await controller.clusterStatus()
            let holder = await beacon?.status["holder"]?.stringValue
            ScrapeGauges(registry: registry).set(status, beacon: beacon == nil ? nil : .some(holder))
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

/// The gauges read from the state at a scrape.
struct ScrapeGauges {
    let registry: PrometheusCollectorRegistry

    /// `beacon`: nil when this controller takes no part in the beacon, else its holder (or none).
    func set(_ status: ClusterStatus, beacon: String??) {
        for member in status.members {
            gauge("luna_member_in_sync", "1 when the member holds every event this controller holds", ("member", member.name))
                .set(to: member.inSync ? 1 : 0)
            guard member.name != status.controller else { continue }
            gauge("luna_peer_apply_lag_events", "events one side holds and the other lacks", ("peer", member.name))
                .set(to: Double(member.lagEvents))
            if let seconds = member.lagSeconds {
                gauge("luna_peer_clock_lag_seconds", "age of the peer's last report, by hybrid time", ("peer", member.name))
                    .set(to: seconds)
            }
        }
        for (table, agrees) in status.merkle {
            gauge(
                "luna_merkle_agreement", "1 every member has this table's root, 0 one differs, -1 clocks differ",
                ("table", table)
            ).set(to: agrees.map { $0 ? 1 : 0 } ?? -1)
        }
        gauge("luna_log_events", "events in this controller's log after its snapshot").set(to: Double(status.logEvents))
        if let beacon {
            for member in status.members {
                gauge("luna_beacon_holder", "1 for the controller holding the beacon address", ("controller", member.name))
                    .set(to: member.name == beacon ? 1 : 0)
            }
        }
    }

    private func gauge(_ name: String, _ help: String, _ labels: (String, String)...) -> Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }
}
