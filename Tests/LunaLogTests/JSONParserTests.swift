import LunaModel
import Testing

@Suite("JSONParser and canonical JSON")
struct JSONParserTests {
    @Test(arguments: [
        (#"{"b":1,"a":[true,false,null],"c":{"y":"z","x":{}}}"#, #"{"a":[true,false,null],"b":1,"c":{"x":{},"y":"z"}}"#),
        (" \n\t[ 1 , -2 , 3.5 , 1e2 , -0 , 0.25E-1 ]\r\n", "[1,-2,3.5,100.0,0,0.025]"),
        (#""\u00e9\n\t\"\\\/\b\f\r""#, "\"\u{e9}\\n\\t\\\"\\\\/\\u0008\\u000c\\r\""),
        (#""\ud83d\ude00 \u0001""#, "\"\u{1F600} \\u0001\""),
        ("\"caf\u{e9} \u{1F600}\"", "\"caf\u{e9} \u{1F600}\""),
        ("{}", "{}"), ("[]", "[]"), (#""""#, #""""#), ("0", "0"), ("true", "true"), ("null", "null"),
        ("9223372036854775807", "9223372036854775807"),
        ("-9223372036854775808", "-9223372036854775808"),
    ])
    func validDocumentsParseToCanonicalText(text: String, canonical: String) throws {
        let value = try JSONParser.parse(text)
        #expect(value.canonicalText == canonical)
        #expect(try JSONParser.parse(value.canonicalText) == value)
        #expect(try JSONParser.parse(Array(text.utf8)) == value)
    }

    @Test func numbersKeepTheirKind() throws {
        #expect(try JSONParser.parse("42") == .int(42))
        #expect(try JSONParser.parse("-7") == .int(-7))
        #expect(try JSONParser.parse("42.0") == .double(42))
        #expect(try JSONParser.parse("4e1") == .double(40))
        // Too big for Int: a double, not an error or a wrapped value.
        #expect(try JSONParser.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
    }

    static let values: [JSONValue] = [
        .object([
            "name": .string("n\u{0}1\u{1F}\u{7F}\"\\/"), "list": .array([.int(1), .double(0.1), .double(-2.5e-10), .null]),
            "nested": .object(["deep": .array([.array([.object([:])])]), "flag": .bool(false)]),
            "unicode": .string("\u{10FFFF}\u{E9}\u{2028}"), "": .string(""), "big": .double(1.7976931348623157e308),
            "min": .int(Int.min), "max": .int(Int.max), "tiny": .double(Double.leastNonzeroMagnitude),
        ]),
        .array([]), .string("\u{8}\u{C}\n\r\t"),
    ]

    @Test(arguments: values)
    func valuesRoundTripThroughCanonicalText(value: JSONValue) throws {
        let text = value.canonicalText
        let parsed = try JSONParser.parse(text)
        #expect(parsed == value)
        #expect(parsed.canonicalText == text)
    }

    @Test func canonicalTextIgnoresKeyOrder() throws {
        let a = try JSONParser.parse(#"{"x":1,"y":{"b":2,"a":1}}"#)
        let b = try JSONParser.parse(#"{ "y" : { "a" : 1 , "b" : 2 } , "x" : 1 }"#)
        #expect(a == b)
        #expect(a.canonicalText == b.canonicalText)
    }

    @Test(arguments: [
        ("[1,]", "invalid value"),
        (#"{"a":1,}"#, "expected a quoted key"),
        (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
        (#""abc"#, "unterminated string"),
        (#"["abc]"#, "unterminated string"),
        (#""abc\"#, "unterminated string"),
        (#""\x""#, "invalid escape"),
        (#""\u12g4""#, "invalid \\u escape"),
        (#""\u12"#, "short \\u escape"),
        (#""\uzzzz""#, "invalid \\u escape"),
        (#""\ud800""#, "unpaired surrogate"),
        (#""\ud800\u0041""#, "unpaired surrogate"),
        (#""\udc00""#, "invalid \\u escape"),
        ("\"tab\there\"", "control character in a string"),
        ("\"line\nbreak\"", "control character in a string"),
        (#"{a:1}"#, "expected a quoted key"),
        (#"{"a" 1}"#, "expected ':'"),
        (#"{"a":}"#, "invalid value"),
        ("[1 2]", "expected ',' or ']'"),
        (#"{"a":1 "b":2}"#, "expected ',' or '}'"),
        ("01", "leading zero in a number"),
        ("-01", "leading zero in a number"),
        ("1.", "invalid number"),
        ("1.e5", "invalid number"),
        ("1e", "invalid number"),
        ("1e+", "invalid number"),
        (".5", "invalid value"),
        ("-", "invalid value"),
        ("+1", "invalid value"),
        ("NaN", "invalid value"),
        ("Infinity", "invalid value"),
        ("'a'", "invalid value"),
        ("tru", "invalid literal"),
        ("nul", "invalid literal"),
        ("True", "invalid value"),
        ("1 2", "unexpected text after the document"),
        ("{} {}", "unexpected text after the document"),
        ("truex", "unexpected text after the document"),
        ("", "unexpected end of document"),
        ("   ", "unexpected end of document"),
        ("[", "unexpected end of document"),
        ("[1", "unexpected end of document"),
        (#"{"a":1"#, "unexpected end of document"),
    ])
    func invalidDocumentsThrow(text: String, reason: String) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
        #expect(error?.reason == reason, "\(text)")
    }

    @Test func errorsNameTheByteOffset() {
        let trailing = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse("[1,]") }
        #expect(trailing?.offset == 3)
        #expect(trailing?.description == "invalid value at byte 3")
        let duplicate = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(#"{"a":1,"a":2}"#) }
        #expect(duplicate?.offset == 11)
    }

    @Test func nestingUpTo64LevelsIsAccepted() throws {
        let arrays = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(try JSONParser.parse(arrays).canonicalText == arrays)
        let objects = String(repeating: #"{"a":"#, count: 63) + "[]" + String(repeating: "}", count: 63)
        #expect(try JSONParser.parse(objects).canonicalText == objects)
        // Depth is counted per path, not in total: many siblings at depth 64 are fine.
        let wide = String(repeating: "[", count: 63) + "[],[],[]" + String(repeating: "]", count: 63)
        _ = try JSONParser.parse(wide)
    }

    @Test(arguments: [65, 1000, 100_000])
    func deeperNestingThrows(depth: Int) {
        for open in ["[", #"{"k":"#] {
            let close = open == "[" ? "]" : "}"
            let text = String(repeating: open, count: depth) + String(repeating: close, count: depth)
            let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(text) }
            #expect(error?.reason == "nesting deeper than 64 levels")
        }
    }

    /// 1e400 is a valid JSON number; it parses to +infinity, which canonicalText writes as
    /// `null`: the document silently changes. It should be refused as out of range.
    @Test func numbersOutOfRangeAreRefusedNotTurnedIntoNull() throws {
        let value: JSONValue
        do {
            value = try JSONParser.parse("[1e400]")
        } catch {
            return  // refused: fine
        }
        #expect(try JSONParser.parse(value.canonicalText) == value, "1e400 became \(value.canonicalText)")
    }

    /// The parser is documented as strict over UTF-8 bytes, but replaces invalid UTF-8 in
    /// strings with U+FFFD instead of refusing it.
    @Test func invalidUTF8IsRefused() {
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0x61, 0xC3, 0x22], [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D]] {
            #expect(throws: JSONParser.SyntaxError.self, "\(bytes)") { try JSONParser.parse(bytes) }
        }
    }
}
