import LunaDomain
import Testing

@Suite("IPAddress and IPNetwork")
struct IPAddressTests {
    @Test(arguments: ["10.141.0.1", "0.0.0.0", "255.255.255.255", "::", "::1", "fd00::1", "2001:db8::ff00:42:8329"])
    func addressRoundTrips(text: String) throws {
        let address = try #require(IPAddress(text))
        #expect(address.description == text)
        #expect(IPAddress(address.description) == address)
    }

    @Test func ipv6IsWrittenInCanonicalForm() throws {
        #expect(try #require(IPAddress("FD00:0000:0000:0000:0000:0000:0000:0001")).description == "fd00::1")
        #expect(try #require(IPAddress("2001:db8:0:0:1:0:0:1")).description == "2001:db8::1:0:0:1")
        #expect(IPAddress("fd00::1")?.family == .v6)
        #expect(IPAddress("10.0.0.1")?.family == .v4)
    }

    @Test func addressValuesAreNumbers() throws {
        #expect(IPAddress("10.0.0.1")?.value == 0x0A00_0001)
        #expect(IPAddress("::1")?.value == 1)
        #expect(IPAddress("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")?.value == UInt128.max)
        #expect(IPAddress(family: .v4, value: 0xC0A8_0101).description == "192.168.1.1")
    }

    @Test(arguments: [
        "", "10.0.0", "10.0.0.256", "10.0.0.1.2", " 10.0.0.1", "10.0.0.1 ", "abc", "fd00:::1", "1::2::3", "fd00::1/64",
        "10.0.0.-1", "gggg::1",
    ])
    func badAddressesAreRefused(text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func ipv4SortsBeforeIPv6() {
        #expect(IPAddress("255.255.255.255")! < IPAddress("::")!)
        #expect(IPAddress("10.0.0.2")! < IPAddress("10.0.0.10")!)
    }

    @Test(arguments: [
        "10.0.0.1/24",  // host bits set
        "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0", "/24", "10.0.0.0/24/1", "10.0.0.0/x",
        "fd00::1/64",  // host bits set
        "fd00::/129", "fd00::/", "10.0.0.300/24",
    ])
    func badNetworksAreRefused(text: String) {
        #expect(IPNetwork(text) == nil)
    }

    @Test func slash24() throws {
        let network = try #require(IPNetwork("10.141.0.0/24"))
        #expect(network.description == "10.141.0.0/24")
        #expect(network.netmask == "255.255.255.0")
        #expect(network.first.description == "10.141.0.0")
        #expect(network.last.description == "10.141.0.255")
        #expect(network.hostRange == IPAddress("10.141.0.1")!.value...IPAddress("10.141.0.254")!.value)
        #expect(network.contains(IPAddress("10.141.0.200")!))
        #expect(!network.contains(IPAddress("10.141.1.0")!))
        #expect(!network.contains(IPAddress("::a8d:1")!))
    }

    @Test func slash30HasTwoHosts() throws {
        let network = try #require(IPNetwork("192.168.7.4/30"))
        #expect(network.hostRange == IPAddress("192.168.7.5")!.value...IPAddress("192.168.7.6")!.value)
        #expect(network.netmask == "255.255.255.252")
    }

    @Test func slash31UsesBothAddresses() throws {
        let network = try #require(IPNetwork("10.0.0.0/31"))
        #expect(network.hostRange == 0x0A00_0000...0x0A00_0001)
        #expect(IPNetwork("10.0.0.1/31") == nil)
    }

    @Test func slash32IsOneHost() throws {
        let network = try #require(IPNetwork("10.0.0.7/32"))
        #expect(network.hostRange == 0x0A00_0007...0x0A00_0007)
        #expect(network.netmask == "255.255.255.255")
        #expect(network.contains(IPAddress("10.0.0.7")!))
        #expect(!network.contains(IPAddress("10.0.0.6")!))
    }

    @Test func slash0CoversEverything() throws {
        let network = try #require(IPNetwork("0.0.0.0/0"))
        #expect(network.netmask == "0.0.0.0")
        #expect(network.contains(IPAddress("255.255.255.255")!))
        #expect(IPNetwork("::/0")?.contains(IPAddress("ffff::1")!) == true)
    }

    @Test func ipv6Networks() throws {
        let network = try #require(IPNetwork("FD00:141::/64"))
        #expect(network.description == "fd00:141::/64")
        #expect(network.netmask == "64")
        #expect(network.last.description == "fd00:141::ffff:ffff:ffff:ffff")
        // The first address (subnet-router anycast) is not a host address.
        #expect(network.hostRange?.lowerBound == IPAddress("fd00:141::1")!.value)
        #expect(network.hostRange?.upperBound == network.last.value)
    }

    @Test func ipv6Slash127And128() throws {
        let p2p = try #require(IPNetwork("fd00::/127"))
        #expect(p2p.hostRange == IPAddress("fd00::")!.value...IPAddress("fd00::1")!.value)
        let single = try #require(IPNetwork("fd00::9/128"))
        #expect(single.hostRange == IPAddress("fd00::9")!.value...IPAddress("fd00::9")!.value)
        #expect(IPNetwork("fd00::1/127") == nil)
    }
}
