import Foundation
import LunaModel
import Stencil
import Synchronization

/// The templates in `Templates/`, rendered with Stencil. A template's text is re-read
/// when its file changes; each distinct text (an installer differs by the plugins
/// injected into it) is compiled once and kept.
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
        environment = EnvironmentBox(Stencil.Environment(extensions: [Self.filters()], trimBehaviour: .smart))
    }

    /// The text of `Templates/<name>`.
    public func source(_ name: String) throws(LunaError) -> String {
        guard let text = sources.value(at: "\(directory)/\(name)") else {
            throw LunaError(.unavailable, "Service unavailable: template \(directory)/\(name) cannot be read")
        }
        return text
    }

    /// Renders `Templates/<name>`.
    public func render(_ name: String, _ context: [String: any Sendable]) throws(LunaError) -> String {
        try render(source: source(name), name: name, context)
    }

    /// Renders a template's text, assembled from `name` (for messages).
    public func render(source: String, name: String, _ context: [String: any Sendable]) throws(LunaError) -> String {
        let template = try compile(source, name: name)
        do {
            return try template.template.render(context)
        } catch {
            throw LunaError(.unavailable, "Service unavailable: template \(name) failed to render: \(error)")
        }
    }

    private func compile(_ source: String, name: String) throws(LunaError) -> CompiledTemplate {
        if let known = compiled.withLock({ $0[source] }) { return known }
        let template: Template
        do {
            template = environment.environment.templateClass.init(
                templateString: source, environment: environment.environment, name: name)
            // Stencil parses lazily on first render; a syntax error must surface here.
            _ = try template.render([:])
        } catch {
            throw LunaError(.unavailable, "Service unavailable: template \(name) does not parse: \(error)")
        }
        let entry = CompiledTemplate(template: template)
        compiled.withLock { cache in
            if cache.count >= Self.capacity { cache.removeAll() }
            cache[source] = entry
        }
        return entry
    }

    /// `shell`: a value as one single-quoted shell word, whatever it holds.
    /// `b64decode`: luna2 stores scripts base64-encoded; text that is not is kept.
    /// `b64encode`: file contents carried inside a script, whatever they hold.
    /// `json`: a value as a JSON string literal.
    static func filters() -> Extension {
        let filters = Extension()
        filters.registerFilter("shell") { value in ShellQuote.word(value.map { "\($0)" } ?? "") }
        filters.registerFilter("b64decode") { value in Base64Text.decode(value.map { "\($0)" } ?? "") }
        filters.registerFilter("json") { value in JSONValue.string(value.map { "\($0)" } ?? "").canonicalText }
        filters.registerFilter("b64encode") { value in Data((value.map { "\($0)" } ?? "").utf8).base64EncodedString() }
        return filters
    }
}

/// A parsed template. Stencil's nodes are not changed by rendering (each render has its
/// own context), so one parsed template serves concurrent requests.
final class CompiledTemplate: @unchecked Sendable {
    let template: Template

    init(template: Template) {
        self.template = template
    }
}

/// Stencil's environment holds only the loader, filters and trim setting, all fixed here.
final class EnvironmentBox: @unchecked Sendable {
    let environment: Stencil.Environment

    init(_ environment: Stencil.Environment) {
        self.environment = environment
    }
}
