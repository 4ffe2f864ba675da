// protobufjs's wire reader on its own: the scanner needs nothing else, and the minimal build would
// also load (and evaluate on every start) the writer, RPC and roots. Typed as the full build declares it.
declare module 'protobufjs/src/reader.js' {
  import {Reader} from 'protobufjs'

  export default Reader
}
