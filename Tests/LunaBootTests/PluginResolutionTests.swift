import Foundation
import LunaBoot
import LunaDomain
import LunaModel
import Testing

@Suite("Plugin resolution")
struct PluginResolutionTests {
    /// A plugin folder in a temporary directory; `write` puts a plugin whose `fetch` segment names it.
    struct Folder {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("luna-plugins-\(UUID())").path

        func write(_ relative: String, _ marker: String) throws {
            let file = "\(path)/\(relative)"
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try "# a plugin\n#@ segment fetch\necho \(marker)\n#@ segment other\nmore\n".write(
                toFile: file, atomically: false, encoding: .utf8)
        }

        func remove(_ relative: String) throws {
            try FileManager.default.removeItem(atPath: "\(path)/\(relative)")
        }
    }

    static func found(_ library: PluginLibrary, _ levels: [String?], release: String? = nil, site: [String: Row] = [:]) -> String?
    {
        library.find("boot/provision", levels: levels, release: release, site: site)?.segment("fetch")
    }

    @Test func segmentsRunFromTheirMarkerToTheNext() {
        let file = PluginFile(origin: "t", text: "note\n#@ segment a\none\ntwo\n#@ segment b\nthree")
        #expect(file.segment("a") == "one\ntwo")
        #expect(file.segment("b") == "three")
        #expect(file.segment("c") == nil)
    }

    /// luna2's order at each level, levels in turn, then the category's default; each
    /// more specific file removed in turn hands over to the next.
    @Test func everyLevelOfTheHierarchyIsTriedInOrder() throws {
        let folder = Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        let library = PluginLibrary(directory: folder.path)
        let order = [
            "boot/provision/n0019.sh", "boot/provision/n001/9.sh", "boot/provision/n001/default.sh", "boot/provision/n001.sh",
            "boot/provision/compute9.sh", "boot/provision/compute/9.sh", "boot/provision/compute/default.sh",
            "boot/provision/compute.sh", "boot/provision/redhat9.sh", "boot/provision/redhat/9.sh",
            "boot/provision/redhat/default.sh", "boot/provision/redhat.sh", "boot/provision/default.sh",
        ]
        for path in order { try folder.write(path, path) }
        for path in order {
            #expect(Self.found(library, ["n001", "compute", "redhat"], release: "9") == "echo \(path)")
            try folder.remove(path)
        }
        #expect(Self.found(library, ["n001", "compute", "redhat"], release: "9") == nil)
    }

    @Test func aLevelThatIsNotAPlainWordIsSkipped() throws {
        let folder = Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try folder.write("boot/secret.sh", "outside")
        try folder.write("boot/provision/default.sh", "default")
        let library = PluginLibrary(directory: folder.path)
        #expect(Self.found(library, ["../secret", ".hidden", nil], release: "../../x") == "echo default")
    }

    @Test func aSitePluginWinsOverTheShippedOneAtTheSameStep() throws {
        let folder = Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try folder.write("boot/provision/http.sh", "shipped")
        let library = PluginLibrary(directory: folder.path)
        let site: [String: Row] = ["boot/provision/http.sh": ["content": "#@ segment fetch\necho site"]]
        #expect(Self.found(library, ["http"], site: site) == "echo site")
        let moreSpecific: [String: Row] = ["boot/provision/default.sh": ["content": "#@ segment fetch\necho site"]]
        #expect(Self.found(library, ["http"], site: moreSpecific) == "echo shipped")
    }

    @Test func aPluginEditedOnDiskIsUsedOnTheNextLookup() throws {
        let folder = Folder()
        defer { try? FileManager.default.removeItem(atPath: folder.path) }
        try folder.write("boot/provision/default.sh", "before")
        let library = PluginLibrary(directory: folder.path)
        #expect(Self.found(library, ["http"]) == "echo before")
        try folder.write("boot/provision/default.sh", "after, and longer")
        #expect(Self.found(library, ["http"]) == "echo after, and longer")
        try folder.write("boot/provision/http.sh", "new file")
        #expect(Self.found(library, ["http"]) == "echo new file")
    }
}
