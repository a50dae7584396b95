import LunaDomain
import LunaModel
import Testing

/// What a pack records: files by name, size and hash; a pack in progress; a failure that
/// leaves the last packed files current; tags pinning one set of files.
struct OSImagePackTests {
    static func ref(_ name: String, _ digit: Character) -> JSONValue {
        ["name": .string(name), "size": 10, "sha256": .string(String(repeating: digit, count: 64))]
    }

    static func files(_ stem: String) -> JSONValue {
        [
            "kernelfile": ref("\(stem).vmlinuz", "a"), "initrdfile": ref("\(stem).initrd.img", "b"),
            "imagefile": ref("\(stem).tar.zst", "c"),
        ]
    }

    @Test func aPackMakesItsFilesCurrentAndEndsThePackInProgress() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        h.ok("OSImage.packing", "rocky9", ["request": "r1", "controller": "c1"])
        #expect(h.row(.osimage, "rocky9")?["packing"]?["controller"] == "c1")
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": Self.files("rocky9-1")])
        #expect(h.string(.osimage, "rocky9", "kernelfile") == "rocky9-1.vmlinuz")
        #expect(h.string(.osimage, "rocky9", "imagefile") == "rocky9-1.tar.zst")
        #expect(h.string(.osimage, "rocky9", "kernelversion") == "6.1")
        #expect(h.row(.osimage, "rocky9")?["packing"] == nil)
        #expect(Set(ImageFileRef.wanted(in: h.state).keys) == ["rocky9-1.vmlinuz", "rocky9-1.initrd.img", "rocky9-1.tar.zst"])
    }

    @Test func aFailedPackKeepsThePreviousFilesAndOnlyEndsItsOwnPack() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": Self.files("rocky9-1")])
        h.ok("OSImage.packing", "rocky9", ["request": "r2", "controller": "c1"])
        h.ok("OSImage.packFailed", "rocky9", ["request": "r9", "reason": "an older request"])
        #expect(h.row(.osimage, "rocky9")?["packing"] != nil)
        h.ok("OSImage.packFailed", "rocky9", ["request": "r2", "reason": "dracut failed"])
        #expect(h.row(.osimage, "rocky9")?["packing"] == nil)
        #expect(h.string(.osimage, "rocky9", "kernelfile") == "rocky9-1.vmlinuz")
    }

    @Test func aTagPinsItsFilesWhileTheImageMovesOn() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": Self.files("rocky9-1")])
        h.ok("OSImage.tag", "rocky9", ["tag": "stable"])
        h.ok("OSImage.packed", "rocky9", ["request": "r2", "kernelversion": "6.2", "files": Self.files("rocky9-2")])
        #expect(h.string(.osimagetag, "rocky9/stable", "kernelfile") == "rocky9-1.vmlinuz")
        #expect(h.string(.osimage, "rocky9", "kernelfile") == "rocky9-2.vmlinuz")
        let wanted = Set(ImageFileRef.wanted(in: h.state).keys)
        #expect(wanted.contains("rocky9-1.tar.zst") && wanted.contains("rocky9-2.tar.zst"))
        let view = OSImageTagView(state: h.state).tags(of: "rocky9")["stable"]
        #expect(view?["path"] == "/trees/rocky9")
        #expect(view?["files"] == nil)
    }

    @Test func aFileSetByHandDropsThePacksRecordOfTheOneItReplaced() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": Self.files("rocky9-1")])
        h.ok("OSImage.update", "rocky9", ["kernelfile": "my-own-vmlinuz"])
        #expect(Set(ImageFileRef.of(h.row(.osimage, "rocky9")!).keys) == ["initrdfile", "imagefile"])
        #expect(ImageFileRef.wanted(in: h.state)["rocky9-1.vmlinuz"] == nil)
    }

    @Test func anArchivesTorrentIsHeldWithoutAFieldAndGoesWithTheArchive() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        var files = Self.files("rocky9-1").objectValue!
        files["torrentfile"] = Self.ref("rocky9-1.tar.zst.torrent", "d")
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": .object(files)])
        #expect(h.row(.osimage, "rocky9")?["torrentfile"] == nil)
        #expect(ImageFileRef.wanted(in: h.state)["rocky9-1.tar.zst.torrent"] != nil)
        h.ok("OSImage.update", "rocky9", ["kernelfile": "my-own-vmlinuz"])
        #expect(ImageFileRef.wanted(in: h.state)["rocky9-1.tar.zst.torrent"] != nil)
        h.ok("OSImage.update", "rocky9", ["imagefile": "my-own.tar.gz"])
        #expect(Set(ImageFileRef.of(h.row(.osimage, "rocky9")!).keys) == ["initrdfile"])
    }

    @Test(arguments: [
        ["kernelfile": ref("a.vmlinuz", "a")] as JSONValue,
        ["kernelfile": ref("a", "a"), "initrdfile": ref("b", "b"), "imagefile": ref("c", "c"), "other": ref("d", "d")],
        ["kernelfile": ref("../x", "a"), "initrdfile": ref("b", "b"), "imagefile": ref("c", "c")],
        ["kernelfile": ref("a", "A"), "initrdfile": ref("b", "b"), "imagefile": ref("c", "c")],
        .string("files"),
    ])
    func aMalformedPackResultIsRefused(files: JSONValue) {
        #expect(throws: LunaError.self) {
            try Harness.prepare("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": files])
        }
    }

    @Test func packBookkeepingIsNotShownAsImageFields() {
        var h = Harness()
        h.ok("OSImage.update", "rocky9", ["path": "/trees/rocky9"])
        h.ok("OSImage.packing", "rocky9", ["request": "r1", "controller": "c1"])
        h.ok("OSImage.packed", "rocky9", ["request": "r1", "kernelversion": "6.1", "files": Self.files("rocky9-1")])
        let shown = ObjectView(state: h.state, opener: nil).render(.osimage, "rocky9", detail: true)
        #expect(shown?["files"] == nil && shown?["packing"] == nil)
        #expect(shown?["kernelfile"] == "rocky9-1.vmlinuz")
    }
}
