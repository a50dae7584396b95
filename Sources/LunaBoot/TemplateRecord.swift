import Stencil

/// One item a template reads fields of (`nic.ipv4`, `BMC.password`). Stencil copies a
/// nested dictionary on every field it reads from it; an object it asks by name.
final class TemplateRecord: DynamicMemberLookup, Sendable {
    let fields: [String: any Sendable]

    init(_ fields: [String: any Sendable]) {
        self.fields = fields
    }

    subscript(dynamicMember member: String) -> Any? {
        fields[member]
    }
}
