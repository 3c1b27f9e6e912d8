/* SHA-256 (FIPS 180-4) that can be fed piece by piece, for files of any size.
   Why not Web Crypto: crypto.subtle.digest() takes the whole file at once, so a
   1.5 GB video would have to be read into memory first (a phone's tab dies); hashing
   per slice on the server side would not give the one SHA-256 that is sealed. So the
   page reads the file in slices (File.slice) and feeds them here; the result is
   compared by the server with the SHA-256 of the bytes it received and sealed.
   Plain JavaScript, no build step; window.SpvSha256.create() -> {update(u8), hex()}. */
(function () {
  "use strict";
  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2]);

  function blocks(h, w, data, offset, end) {
    var a, b, c, d, e, f, g, hh, i, t1, t2, x, y;
    while (offset + 64 <= end) {
      for (i = 0; i < 16; i++) {
        w[i] = (data[offset] << 24) | (data[offset + 1] << 16) | (data[offset + 2] << 8) | data[offset + 3];
        offset += 4;
      }
      for (i = 16; i < 64; i++) {
        x = w[i - 15]; y = w[i - 2];
        w[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
               (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
               w[i - 7] + w[i - 16] | 0;
      }
      a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4]; f = h[5]; g = h[6]; hh = h[7];
      for (i = 0; i < 64; i++) {
        t1 = hh + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
             ((e & f) ^ (~e & g)) + K[i] + w[i] | 0;
        t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
             ((a & b) ^ (a & c) ^ (b & c)) | 0;
        hh = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
      }
      h[0] = h[0] + a | 0; h[1] = h[1] + b | 0; h[2] = h[2] + c | 0; h[3] = h[3] + d | 0;
      h[4] = h[4] + e | 0; h[5] = h[5] + f | 0; h[6] = h[6] + g | 0; h[7] = h[7] + hh | 0;
    }
    return offset;
  }

  function create() {
    var h = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                            0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
    var w = new Int32Array(64), tail = new Uint8Array(64), kept = 0, length = 0;
    return {
      update: function (data) {
        var offset = 0;
        length += data.length;
        if (kept) {
          var take = Math.min(64 - kept, data.length);
          tail.set(data.subarray(0, take), kept);
          kept += take; offset = take;
          if (kept < 64) { return; }
          blocks(h, w, tail, 0, 64); kept = 0;
        }
        offset = blocks(h, w, data, offset, data.length);
        tail.set(data.subarray(offset), 0);
        kept = data.length - offset;
      },
      hex: function () {
        var pad = new Uint8Array(kept < 56 ? 64 : 128), bits = length * 8, i, out = "";
        pad.set(tail.subarray(0, kept)); pad[kept] = 0x80;
        for (i = 0; i < 8; i++) { pad[pad.length - 1 - i] = Math.floor(bits / Math.pow(2, 8 * i)) & 0xff; }
        blocks(h, w, pad, 0, pad.length);
        for (i = 0; i < 8; i++) { out += ("00000000" + (h[i] >>> 0).toString(16)).slice(-8); }
        return out;
      }
    };
  }

  var SLICE = 4 * 1024 * 1024;

  /* The SHA-256 of a File, read slice by slice; onProgress(bytesDone). */
  function hashFile(file, onProgress) {
    var state = create(), at = 0;
    var step = function () {
      if (at >= file.size) { return Promise.resolve(state.hex()); }
      var end = Math.min(file.size, at + SLICE);
      return file.slice(at, end).arrayBuffer().then(function (buffer) {
        state.update(new Uint8Array(buffer));
        at = end;
        if (onProgress) { onProgress(at); }
        return step();
      });
    };
    return step();
  }

  window.SpvSha256 = {create: create, hashFile: hashFile};
})();
