/// Byte classes from the HTTP grammar (RFC 9110 section 5.6, RFC 9112 section 3), as fast checks on one byte.
enum HTTPSyntax {
    /// Carriage return.
    static let cr = UInt8(ascii: "\r")
    /// Line feed.
    static let lf = UInt8(ascii: "\n")
    /// Space.
    static let space = UInt8(ascii: " ")
    /// Horizontal tab.
    static let tab = UInt8(ascii: "\t")
    /// The separator after a field name.
    static let colon = UInt8(ascii: ":")
    /// The separator before parameters and chunk extensions.
    static let semicolon = UInt8(ascii: ";")
    /// The separator of list elements.
    static let comma = UInt8(ascii: ",")

    /// Whether `byte` may appear in a token (`tchar`): method names, header names, coding names.
    @inline(__always)
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// Whether `byte` may appear in a request-target: visible ASCII, no space and no control character.
    @inline(__always)
    static func isTargetByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F
    }

    /// Whether `byte` may appear inside a field value: visible characters, space, tab and obs-text.
    @inline(__always)
    static func isFieldValueByte(_ byte: UInt8) -> Bool {
        byte == HTTPSyntax.tab || (byte >= 0x20 && byte != 0x7F)
    }

    /// Whether `byte` is optional whitespace (space or horizontal tab).
    @inline(__always)
    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == HTTPSyntax.space || byte == HTTPSyntax.tab
    }

    /// `byte` with ASCII upper-case letters turned to lower case; every other byte unchanged.
    @inline(__always)
    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// The value of one hexadecimal digit, or nil.
    @inline(__always)
    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte &- UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte &- UInt8(ascii: "a") &+ 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte &- UInt8(ascii: "A") &+ 10)
        default: nil
        }
    }
}
