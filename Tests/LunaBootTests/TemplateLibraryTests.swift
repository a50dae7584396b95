import Foundation
import LunaBoot
import LunaModel
import Testing

@Suite("Template library")
struct TemplateLibraryTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("luna-templates-\(UUID())").path

    func write(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try text.write(toFile: "\(folder)/\(name)", atomically: true, encoding: .utf8)
    }

    @Test func anEditedTemplateIsUsedOnTheNextRender() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = TemplateLibrary(directory: folder)
        try write("t.sh", "echo {{ NAME|shell }}")
        #expect(try library.render("t.sh", ["NAME": "it's"]) == #"echo 'it'\''s'"#)
        try write("t.sh", "printf %s {{ NAME|shell }}")
        #expect(try library.render("t.sh", ["NAME": "x"]) == "printf %s 'x'")
    }

    @Test func aBrokenOrMissingTemplateIsASentenceNotACrash() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = TemplateLibrary(directory: folder)
        try write("broken.sh", "{% if %}")
        #expect(throws: LunaError.self) { try library.render("broken.sh", [:]) }
        do {
            _ = try library.render("absent.sh", [:])
            Issue.record("a missing template rendered")
        } catch {
            #expect(error.message == "Service unavailable: template \(folder)/absent.sh cannot be read")
        }
    }

    @Test func filtersQuoteDecodeAndEncode() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let library = TemplateLibrary(directory: folder)
        try write("f.txt", "{{ A|b64decode }} {{ B|b64decode }} {{ C|b64encode }} {{ D|json }}")
        let out = try library.render(
            "f.txt", ["A": Base64Text.encode("mount /x"), "B": "net.ifnames=0", "C": "a b", "D": "say \"hi\""])
        #expect(out == #"mount /x net.ifnames=0 YSBi "say \"hi\"""#)
    }
}
