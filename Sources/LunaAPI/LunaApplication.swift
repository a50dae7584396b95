import Hummingbird
import LunaRuntime

/// The HTTP face of one controller: luna2's routes on the controller's state.
public enum LunaApplication {
    public static func router(controller: Controller, tokens: TokenAuthority) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: TokenMiddleware(authority: tokens))
        let routes = RouteCollection(context: BasicRequestContext.self)
        ClusterRoutes.add(to: routes, controller: controller, tokens: tokens)
        for kind in ConfigKinds.all { kind.addRoutes(to: routes, controller: controller) }
        InterfaceRoutes.add(to: routes, kind: ConfigKinds.node, controller: controller)
        InterfaceRoutes.add(to: routes, kind: ConfigKinds.group, controller: controller)
        MemberRoutes.add(to: routes, controller: controller)
        OSImageRoutes.add(to: routes, controller: controller)
        RackRoutes.add(to: routes, controller: controller)
        SecretRoutes.add(to: routes, controller: controller)
        HARoutes.add(to: routes, controller: controller)
        ClusterStatusRoutes.add(to: routes, controller: controller)
        RequestStatusRoutes.add(to: routes, controller: controller)
        router.addRoutes(routes)
        return router
    }
}
