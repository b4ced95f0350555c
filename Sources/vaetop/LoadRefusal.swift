/// Why a run could not be read for replay or export, as the one line `fail` prints (65: bad data).
struct LoadRefusal: Error {
    let message: String
    var code: Int32 = 65
}
