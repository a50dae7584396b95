import LunaDomain
import LunaModel

/// The fixed addresses Kea hands out on one network: every node interface, switch and
/// other device that has a MAC and an address of the network's family inside it.
struct KeaReservations {
    struct Entry {
        var host: String
        var mac: String
        var address: IPAddress
    }

    let state: ClusterState

    func entries(on network: String, within cidr: IPNetwork) -> [Entry] {
        let field = cidr.family == .v4 ? "ipaddress" : "ipaddress_ipv6"
        var found: [Entry] = []
        for (key, row) in state.rows(.nodeinterface) where row["network"]?.stringValue == network {
            guard let mac = row["macaddress"]?.stringValue, let address = row[field]?.stringValue.flatMap(IPAddress.init)
            else { continue }
            let (node, interface) = RowKey.split(key)
            found.append(
                Entry(host: interface == "BOOTIF" ? node : "\(node)-\(interface.lowercased())", mac: mac, address: address))
        }
        for table in [Table.switch, .otherdev] {
            for (name, row) in state.rows(table) where row["network"]?.stringValue == network {
                guard let mac = row["macaddress"]?.stringValue, let address = row[field]?.stringValue.flatMap(IPAddress.init)
                else { continue }
                found.append(Entry(host: name, mac: mac, address: address))
            }
        }
        return found.filter { cidr.contains($0.address) }.sorted { $0.address < $1.address }
    }
}
