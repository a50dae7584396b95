import Hummingbird
import LunaModel

/// luna2's controller-to-controller routes. Luna replicates through its own log and mutual
/// TLS channel, so these answer 410 with the sentence that says so, rather than an
/// unknown route's empty 404 that would leave an old peer guessing.
enum ReplacedRoutes {
    static let sentence =
        "Luna replicates between controllers through its own event log over mutual TLS (luna cluster status shows it); luna2's journal, table and remote status routes are not used"

    static func add(to groups: RouteGroups) {
        for path in ["/journal", "/journal/:host", "/journal/:host/_delete", "/table/hashes", "/table/data/:table"] {
            groups.admin.get(RouterPath(path)) { _, _ in Responses.message(sentence, status: .gone) }
        }
        for path in ["/journal", "/monitor/status"] {
            groups.admin.post(RouterPath(path)) { _, _ in Responses.message(sentence, status: .gone) }
        }
    }
}
