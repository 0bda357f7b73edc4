import FuzzSupport
import SSEHub

// The UTF-8 validator and the form decoder, against the standard library and against the WHATWG algorithm
// written out plainly here: the production code is a fast byte loop, this is the slow obvious one.

/// WHATWG URL "percent-decode" on bytes, with the form parser's `+` as space.
func referenceDecode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var index = bytes.startIndex
    while index < bytes.endIndex {
        let byte = bytes[index]
        if byte == UInt8(ascii: "%"), bytes.endIndex - index >= 3,
            let value = UInt8(String(decoding: bytes[(index + 1)...(index + 2)], as: UTF8.self), radix: 16),
            bytes[index + 1] != UInt8(ascii: "+"), bytes[index + 1] != UInt8(ascii: "-")
        {
            out.append(value)
            index += 3
            continue
        }
        out.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
        index += 1
    }
    return out
}

/// WHATWG "application/x-www-form-urlencoded parsing": split on `&`, skip empty sequences, split each at its
/// first `=`.
func referencePairs(_ bytes: [UInt8]) -> [(name: [UInt8], value: [UInt8])] {
    bytes.split(separator: UInt8(ascii: "&")).map { piece in
        guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { return (referenceDecode(piece), []) }
        return (referenceDecode(piece[..<equals]), referenceDecode(piece[(equals + 1)...]))
    }
}

/// Percent-encodes every byte that is not unreserved, so decoding must give the bytes back exactly.
func encode(_ bytes: [UInt8]) -> [UInt8] {
    let hex = Array("0123456789ABCDEF".utf8)
    var out: [UInt8] = []
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            out.append(byte)
        default: out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
        }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let valid = String(validating: input, as: UTF8.self) != nil
    require(UTF8Validation.isValid(input) == valid, "UTF8Validation says \(!valid) for \(input)")

    let pairs = FormDecoder.pairs(input)
    let expected = referencePairs(input)
    require(pairs.count == expected.count, "\(pairs.count) pairs, expected \(expected.count)")
    for (pair, want) in zip(pairs, expected) {
        require(pair.name == want.name && pair.value == want.value, "pair \(pair) expected \(want)")
    }
    let decoded = FormDecoder.decode(input)
    let allValid = pairs.allSatisfy {
        String(validating: $0.name, as: UTF8.self) != nil && String(validating: $0.value, as: UTF8.self) != nil
    }
    require((decoded != nil) == allValid, "decode gave \(String(describing: decoded)) with valid: \(allValid)")
    if let decoded {
        for (text, pair) in zip(decoded, pairs) {
            require(Array(text.name.utf8) == pair.name && Array(text.value.utf8) == pair.value, "decoded text")
        }
    }
    // Any bytes survive encoding then decoding, as a value and as a name.
    let field = encode(input)
    require(FormDecoder.percentDecoded(field) == input, "percent round trip")
    let form = FormDecoder.pairs(field + [UInt8(ascii: "=")] + field)
    require(form.count == 1 && form[0].name == input && form[0].value == input, "form pair")
    return 0
}

FuzzDriver.run(fuzzOne)
