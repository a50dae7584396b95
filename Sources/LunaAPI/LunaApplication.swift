import Hummingbird
import LunaRuntime
import Prometheus

/// The HTTP face of one controller: luna2's routes on the controller's state.
public enum LunaApplication {
    /// `services`: the daemons, actions and beacon this controller runs, when it runs them.
    /// `metrics`: where swift-metrics records, for `GET /metrics`.
    public static func router(
        controller: Controller, tokens: TokenAuthority, boot: BootSetup, services: ControllerServices = .init(),
        metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
    ) -> Router<LunaRequestContext> {
        let router = Router(context: LunaRequestContext.self)
        let table = RouteTable()
        router.add(middleware: RequestMetricsMiddleware(table: table))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: UnknownRouteMiddleware(table: table))
        let groups = RouteGroups(tokens: tokens)
        SystemRoutes.add(to: groups, table: table)
        ClusterRoutes.add(to: groups, controller: controller, tokens: tokens)
        let cache = RenderCache()
        for kind in ConfigKinds.all { kind.addRoutes(to: groups, controller: controller, cache: cache) }
        InterfaceRoutes.add(to: groups, kind: ConfigKinds.node, controller: controller)
        InterfaceRoutes.add(to: groups, kind: ConfigKinds.group, controller: controller)
        MemberRoutes.add(to: groups, controller: controller)
        OSImageRoutes.add(to: groups, controller: controller)
        OSImageWorkRoutes.add(to: groups, controller: controller, work: services.images)
        RackRoutes.add(to: groups, controller: controller)
        SecretRoutes.add(to: groups, controller: controller)
        NetworkServiceRoutes.add(to: groups, controller: controller)
        HARoutes.add(to: groups, controller: controller, beacon: services.beacon, treeSync: services.treeSync)
        ClusterStatusRoutes.add(to: groups, controller: controller, beacon: services.beacon, copies: services.imageCopies)
        MembershipRoutes.add(to: groups, controller: controller)
        BackupRoutes.add(to: groups, controller: controller)
        StatusPageRoutes.add(to: groups, controller: controller, beacon: services.beacon)
        MetricsRoutes.add(to: groups, controller: controller, beacon: services.beacon, registry: metrics)
        MonitorRoutes.add(to: groups, controller: controller, copies: services.imageCopies)
        let booting = NodeBooting(controller: controller, renderer: boot.renderer, hooks: boot.hooks)
        BootRoutes.add(to: groups, booting: booting, tokens: tokens)
        NodeAuthRoutes.add(to: groups, booting: booting, tokens: tokens)
        NodeStateRoutes.add(to: groups, booting: booting)
        FileRoutes.add(
            to: groups, controller: controller, directory: boot.filesDirectory, tokens: tokens, store: services.imageStore)
        TrackerRoutes.add(
            to: groups, tracker: services.imageStore.map { TorrentTracker(controller: controller, store: $0) })
        SitePluginRoutes.add(to: groups, controller: controller)
        ControlRoutes.add(to: groups, controller: controller, requests: services.control)
        SwitchPortRoutes.add(to: groups, controller: controller)
        ServiceMonitorRoutes.add(to: groups, services: services.runner)
        ServiceActionRoutes.add(to: groups, actions: services.actions)
        ReplacedRoutes.add(to: groups)
        RequestStatusRoutes.add(to: groups, controller: controller)
        groups.add(to: router)
        table.fill(from: router)
        return router
    }
}
