import LunaModel

/// One kind of intent: how its request is checked and normalised into an event payload,
/// and how the event is applied to the state. `apply` must be deterministic.
public struct IntentHandler: Sendable {
    public let name: String
    public let version: Int
    public let prepare: @Sendable (_ object: String, _ body: Row, _ context: PrepareContext) throws(LunaError) -> JSONValue
    public let apply: @Sendable (_ state: inout ClusterState, _ object: String, _ payload: Row) throws(LunaError) -> Outcome

    public init(
        name: String, version: Int = 1,
        prepare: @escaping @Sendable (String, Row, PrepareContext) throws(LunaError) -> JSONValue,
        apply: @escaping @Sendable (inout ClusterState, String, Row) throws(LunaError) -> Outcome
    ) {
        self.name = name
        self.version = version
        self.prepare = prepare
        self.apply = apply
    }
}

/// The intents a build knows, by name, at the version it knows each.
public struct IntentRegistry: Sendable {
    public let handlers: [String: IntentHandler]

    public init(_ handlers: [IntentHandler]) {
        self.handlers = Dictionary(uniqueKeysWithValues: handlers.map { ($0.name, $0) })
    }

    /// Every intent of this build.
    public static let current = IntentRegistry(
        ClusterIntents.all + NetworkIntents.all + OSImageIntents.all + OSImagePackIntents.all + GroupIntents.all + NodeIntents.all
            + DeviceIntents.all + RackIntents.all + SecretIntents.all + RouteIntents.all + DNSIntents.all
            + ClusterImportIntents.all + OSAccountIntents.all + BootIntents.all + SitePluginIntents.all + ControlIntents.all
            + SwitchPortIntents.all + MembershipIntents.all)

    /// The intents of the release before this one, as that build wrote and applied them:
    /// `lunad --previous-intents` runs as that build would, for the rolling-upgrade test.
    /// Set again at each release: what was added since leaves, what was raised goes back.
    public static let previousRelease = IntentRegistry(
        current.handlers.values.filter { ![MembershipIntents.removeIntent, MembershipIntents.readmitIntent].contains($0.name) }
            .map { $0.name == ControlIntents.audit.name ? ControlIntents.auditVersion1 : $0 })

    /// Applies one event. An unknown intent or a newer intent version is not applied:
    /// the caller stops applying behind it ("upgrade needed"). A `tentative` event keeps
    /// its undo record in the state (see `ClusterState.undoTentative`).
    public func apply(_ event: Event, to state: inout ClusterState, tentative: Bool = false) -> ApplyResult {
        guard event.format <= Event.currentFormat, let handler = handlers[event.intent],
            event.intentVersion <= handler.version
        else {
            return .upgradeNeeded(
                "event \(event.id) uses \(event.intent) version \(event.intentVersion) (format \(event.format)), which this build does not know: upgrade needed"
            )
        }
        state.begin()
        guard let payload = event.payload.objectValue else {
            state.rollback(tentative: tentative)
            return .applied(.rejected(.invalid("Invalid request: the payload of event \(event.id) is not an object")))
        }
        do {
            let outcome = try handler.apply(&state, event.object, payload)
            state.commit(tentative: tentative)
            return .applied(outcome)
        } catch {
            state.rollback(tentative: tentative)
            return .applied(.rejected(error))
        }
    }
}

public enum ApplyResult: Sendable, Equatable {
    case applied(Outcome)
    case upgradeNeeded(String)
}
