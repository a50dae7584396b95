import LunaModel
import Testing

@testable import LunaAPI

/// The status page's stream sends each part only when it changed.
struct StatusFeedTests {
    @Test func everyNodeGoesFirstThenOnlyWhatChanged() {
        var feed = StatusFeed()
        let cluster: JSONValue = ["controller": "c1"]
        let first = feed.frames(cluster: cluster, nodes: ["n1": "", "n2": "install.image"])
        #expect(
            first
                == "event: cluster\ndata: {\"controller\":\"c1\"}\n\n"
                + "event: nodes\ndata: {\"n1\":\"\",\"n2\":\"install.image\"}\n\n")
        #expect(feed.frames(cluster: cluster, nodes: ["n1": "", "n2": "install.image"]) == nil)
        #expect(
            feed.frames(cluster: cluster, nodes: ["n2": "install.success", "n3": ""])
                == "event: nodes\ndata: {\"n1\":null,\"n2\":\"install.success\",\"n3\":\"\"}\n\n")
        #expect(
            feed.frames(cluster: ["controller": "c2"], nodes: ["n2": "install.success", "n3": ""])?.hasPrefix("event: cluster")
                == true)
    }

    @Test func aClusterWithNoNodesStillSaysSoOnce() {
        var feed = StatusFeed()
        #expect(feed.frames(cluster: [:], nodes: [:])?.contains("event: nodes\ndata: {}") == true)
        #expect(feed.frames(cluster: [:], nodes: [:]) == nil)
    }
}
