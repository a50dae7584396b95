import Foundation
import LunaModel
import Stencil
import Synchronization

/// The templates in `Templates/`, rendered with Stencil. A template's text is re-read
/// when its file changes; each distinct text (an installer differs by the plugins
/// injected into it) is compiled once and kept, under a short key that names what the
/// text was made of (hashing the text itself costs more than rendering it).
public final class TemplateLibrary: Sendable {
    public let directory: String
    private let sources: WatchedFiles<String>
    private let compiled = Mutex<[String: CompiledTemplate]>([:])
    private let environment: EnvironmentBox

    /// Distinct compiled texts kept at most; past it the cache starts again.
    static let capacity = 256

    public init(directory: String) {
        self.directory = directory
        sources = WatchedFiles { _, text in text }
        // No trimming around tags: Stencil trims with a regular expression on every render,
        // which costs more than the rest of an installer's rendering. Scripts keep blank lines.
        environment = EnvironmentBox(Stencil.Environment(extensions: [Self.filters()]))
    }

    /// The text of `Templates/<name>` and a key that changes when the file does.
    public func source(_ name: String) throws(LunaError) -> (text: String, key: String) {
        guard let (text, generation) = sources.entry(at: "\(directory)/\(name)") else {
            throw LunaError(.unavailable, "Service unavailable: template \(directory)/\(name) cannot be read")
        }
        return (text, "\(name)#\(generation)")
    }

    /// Renders `Templates/<name>`.
    public func render(_ name: String, _ context: [String: any Sendable]) throws(LunaError) -> String {
        let (text, key) = try source(name)
        return try render(key: key, name: name, source: { text }, context)
    }

    /// Renders a text made from template `name` (for messages), known by `key`: `source`
    /// is asked for the text only when that key is not compiled yet.
    public func render(
        key: String, name: String, source: () -> String, _ context: [String: any Sendable]
    ) throws(LunaError) -> String {
        let template = try compile(key: key, source, name: name)
        do {
            return try renderNodes(template.nodes, Context(dictionary: context, environment: environment.environment))
        } catch {
            throw LunaError(.unavailable, "Service unavailable: template \(name) failed to render: \(error)")
        }
    }

    private func compile(key: String, _ source: () -> String, name: String) throws(LunaError) -> CompiledTemplate {
        if let known = compiled.withLock({ $0[key] }) { return known }
        let nodes: [NodeType]
        do {
            // Stencil's own Template parses its tokens again on every render: parse once here.
            let template = Template(templateString: source(), environment: environment.environment, name: name)
            nodes = try TokenParser(tokens: template.tokens, environment: environment.environment).parse()
        } catch {
            throw LunaError(.unavailable, "Service unavailable: template \(name) does not parse: \(error)")
        }
        let entry = CompiledTemplate(nodes: nodes)
        compiled.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[key] = entry
        }
        return entry
    }

    /// `shell`: a value as one single-quoted shell word, whatever it holds.
    /// `b64decode`: luna2 stores scripts base64-encoded; text that is not is kept.
    /// `b64encode`: file contents carried inside a script, whatever they hold.
    /// `json`: a value as a JSON string literal.
    /// A value as text; strings (nearly every value) without a dynamic cast to describe them.
    static func text(_ value: Any?) -> String {
        switch value {
        case let text as String: text
        case nil: ""
        case let other?: "\(other)"
        }
    }

    static func filters() -> Extension {
        let filters = Extension()
        filters.registerFilter("shell") { value in ShellQuote.word(text(value)) }
        filters.registerFilter("b64decode") { value in Base64Text.decode(text(value)) }
        filters.registerFilter("json") { value in JSONValue.string(text(value)).canonicalText }
        filters.registerFilter("b64encode") { value in Data(text(value).utf8).base64EncodedString() }
        return filters
    }
}

/// A parsed template. Stencil's nodes are not changed by rendering (each render has its
/// own context), so one parsed template serves concurrent requests.
final class CompiledTemplate: @unchecked Sendable {
    let nodes: [NodeType]

    init(nodes: [NodeType]) {
        self.nodes = nodes
    }
}

/// Stencil's environment holds only the loader, filters and trim setting, all fixed here.
final class EnvironmentBox: @unchecked Sendable {
    let environment: Stencil.Environment

    init(_ environment: Stencil.Environment) {
        self.environment = environment
    }
}
