import Foundation

/// Values placed into generated shell scripts.
public enum ShellQuote {
    /// One single-quoted word: `it's` becomes `'it'\''s'`.
    public static func word(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "'")) else { return "'" + text + "'" }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

/// luna2 keeps scripts and kernel options base64-encoded; Luna's own writes keep text.
public enum Base64Text {
    public static func encode(_ text: String) -> String {
        Data(text.utf8).base64EncodedString()
    }

    /// The decoded text when `text` is base64 of UTF-8 text, else `text` unchanged.
    public static func decode(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.utf8.count % 4 == 0,
            trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+/=".contains($0)) }),
            let data = Data(base64Encoded: trimmed), let decoded = String(data: data, encoding: .utf8),
            decoded.unicodeScalars.allSatisfy({ $0.value >= 0x20 || $0 == "\n" || $0 == "\t" || $0 == "\r" })
        else { return text }
        return decoded
    }
}
