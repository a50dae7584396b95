import ArgumentParser

/// A resource as a type: ArgumentParser builds commands from types, so one generic
/// command per verb serves every resource of the table.
protocol ResourceKind {
    static var resource: Resource { get }
    /// Verbs only this resource has (a network's next free address, an image's tags).
    static var extraCommands: [any ParsableCommand.Type] { get }
}

extension ResourceKind {
    static var extraCommands: [any ParsableCommand.Type] { [] }
}

/// `luna <resource> <verb>`: the verbs the resource's row in the table allows.
struct ResourceCommand<Kind: ResourceKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        let resource = Kind.resource
        var verbs: [any ParsableCommand.Type] = [ListCommand<Kind>.self, ShowCommand<Kind>.self]
        if resource.writable { verbs += [AddCommand<Kind>.self, ChangeCommand<Kind>.self, RemoveCommand<Kind>.self] }
        if resource.renameKey != nil { verbs.append(RenameCommand<Kind>.self) }
        if resource.clones { verbs.append(CloneCommand<Kind>.self) }
        if resource.members { verbs.append(MemberCommand<Kind>.self) }
        if resource.interfaceFields != nil { verbs += [InterfacesCommand<Kind>.self, InterfaceCommand<Kind>.self] }
        return CommandConfiguration(
            commandName: resource.name,
            abstract:
                "\(resource.writable ? "List, show and change" : "List and show") each \(resource.noun) (/config/\(resource.name)).",
            subcommands: verbs + Kind.extraCommands)
    }
}

enum NodeKind: ResourceKind {
    static var resource: Resource { Resources.node }
    static var extraCommands: [any ParsableCommand.Type] { [NodeStatusCommand.self] }
}
enum GroupKind: ResourceKind { static var resource: Resource { Resources.group } }
enum NetworkKind: ResourceKind {
    static var resource: Resource { Resources.network }
    static var extraCommands: [any ParsableCommand.Type] { [NextIPCommand.self, IPInfoCommand.self, NetworkDNSCommand.self] }
}
enum OSImageKind: ResourceKind {
    static var resource: Resource { Resources.osimage }
    static var extraCommands: [any ParsableCommand.Type] {
        [TagCommand.self, UntagCommand.self, PackCommand.self, KernelCommand.self, GrabCommand.self, PushCommand.self]
    }
}
enum BMCSetupKind: ResourceKind { static var resource: Resource { Resources.bmcsetup } }
enum SwitchKind: ResourceKind { static var resource: Resource { Resources.switch } }
enum OtherDevKind: ResourceKind { static var resource: Resource { Resources.otherdev } }
enum RackKind: ResourceKind { static var resource: Resource { Resources.rack } }
enum CloudKind: ResourceKind { static var resource: Resource { Resources.cloud } }
enum RouteKind: ResourceKind {
    static var resource: Resource { Resources.route }
    static var extraCommands: [any ParsableCommand.Type] { [RouteCoupling.self, RouteDecoupling.self] }
}
enum OSUserKind: ResourceKind { static var resource: Resource { Resources.osuser } }
enum OSGroupKind: ResourceKind { static var resource: Resource { Resources.osgroup } }
enum OSImageTagKind: ResourceKind { static var resource: Resource { Resources.osimagetag } }
