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

/// Every intent this build knows, by name.
public enum IntentRegistry {
    public static let handlers: [String: IntentHandler] = {
        var all: [IntentHandler] = []
        all += ClusterIntents.all
        all += NetworkIntents.all
        all += OSImageIntents.all
        all += GroupIntents.all
        all += NodeIntents.all
        all += DeviceIntents.all
        all += RackIntents.all
        all += SecretIntents.all
        return Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    }()

    /// Applies one event. An unknown intent or a newer intent version is not applied:
    /// the caller stops applying behind it ("upgrade needed"). A `tentative` event keeps
    /// its undo record in the state (see `ClusterState.undoTentative`).
    public static func apply(_ event: Event, to state: inout ClusterState, tentative: Bool = false) -> ApplyResult {
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
