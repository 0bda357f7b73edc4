import FuzzSupport
import SSEHub

// The strict JSON parser: whatever it accepts must serialize to text that it parses back to the same value, that
// serialization must be stable, and an accepted text is valid UTF-8 as a whole (only ASCII outside strings,
// validated UTF-8 inside). A rejection points inside the input.

@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = fuzzInput(data, size)
    let value: JSONValue
    do {
        value = try JSONParser.parse(input)
    } catch {
        require(error.offset >= 0 && error.offset <= input.count, "error offset \(error.offset) of \(input.count)")
        return 0
    }
    require(String(validating: input, as: UTF8.self) != nil, "accepted text that is not UTF-8")
    let text = value.serialized()
    let again: JSONValue
    do {
        again = try JSONParser.parse(text)
    } catch {
        fatalError("serialized text does not re-parse (\(error)): \(String(decoding: text, as: UTF8.self))")
    }
    require(again == value, "re-parse differs: \(value) vs \(again)")
    require(again.serialized() == text, "serialization is not stable")
    return 0
}

FuzzDriver.run(fuzzOne)
