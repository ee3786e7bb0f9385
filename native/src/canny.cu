// CUDA Canny with the same bits as the CPU kernel (canny.cc / canny_rows.inc):
//  1. suppressTile: one block per 32x32 tile loads the source with a halo into shared memory,
//     computes Sobel + magnitude (+ OpenCV's channel selection) for the tile plus a 1-pixel
//     ring, and writes the class map (0 none, 1 weak, 2 edge) after non-maximum suppression.
//     Tiles holding a strong pixel form the first hysteresis worklist.
//  2. hysteresisWave: each listed tile loads its classes (+ halo) into shared memory and
//     propagates edges until nothing changes inside the tile. A tile is queued for the next wave
//     only when a pixel on its border became an edge next to a weak pixel of that neighbour.
//     Several waves are launched between host checks, so there is no host round trip per wave.
// All arithmetic is integer and the final edge set is order-independent (the weak pixels
// 8-connected to a strong one), so any schedule gives OpenCV's result.
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "cuda_canny.h"

namespace bento {
namespace {

constexpr int kTile = 32;   // tile side
constexpr int kRowsPerThread = 4;
constexpr int kThreadsY = kTile / kRowsPerThread;  // blockDim = (32, 8)
constexpr int kWavesPerCheck = 8;

__host__ __device__ constexpr int smoothCoef(int k, int i) {
  return k == 3 ? (i == 1 ? 2 : 1)
       : k == 5 ? (i == 2 ? 6 : (i == 1 || i == 3) ? 4 : 1)
                : (i == 3 ? 20 : (i == 2 || i == 4) ? 15 : (i == 1 || i == 5) ? 6 : 1);
}
__host__ __device__ constexpr int derivCoef(int k, int i) {
  return k == 3 ? i - 1
       : k == 5 ? (i == 0 ? -1 : i == 1 ? -2 : i == 2 ? 0 : i == 3 ? 2 : 1)
                : (i == 0 ? -1 : i == 1 ? -4 : i == 2 ? -5 : i == 3 ? 0 : i == 4 ? 5 : i == 5 ? 4 : 1);
}

__device__ __forceinline__ int roundDiv16(int v) {
  const int q = v >> 4;
  const int r = v & 15;
  return q + ((r > 8) | ((r == 8) & (q & 1)));
}

__device__ __forceinline__ int clampInt(int v, int lo, int hi) { return v < lo ? lo : (v > hi ? hi : v); }

template <int K, int C>
__global__ void suppressTile(const uint8_t* __restrict__ src, int width, int height, int low, int high,
                             bool l2, int tilesX, uint8_t* __restrict__ map, int* list, unsigned* count) {
  constexpr int R = K / 2 + 1;        // Sobel radius + 1 for the magnitude ring
  constexpr int S = kTile + 2 * R;    // source tile side
  constexpr int G = kTile + 2;        // gradient tile side
  __shared__ uint8_t pix[S][S * C];
  __shared__ int mag[G][G];
  __shared__ short gdx[G][G];
  __shared__ short gdy[G][G];

  const int tid = threadIdx.y * kTile + threadIdx.x;
  const int nThreads = kTile * kThreadsY;
  const int x0 = (blockIdx.x % tilesX) * kTile;
  const int y0 = (blockIdx.x / tilesX) * kTile;

  // BORDER_REPLICATE: clamp the coordinates while loading.
  for (int i = tid; i < S * S; i += nThreads) {
    const int r = i / S, c = i % S;
    const int gy = clampInt(y0 - R + r, 0, height - 1);
    const int gx = clampInt(x0 - R + c, 0, width - 1);
    const uint8_t* p = src + (static_cast<size_t>(gy) * width + gx) * C;
#pragma unroll
    for (int ch = 0; ch < C; ++ch) pix[r][c * C + ch] = p[ch];
  }
  __syncthreads();

  for (int i = tid; i < G * G; i += nThreads) {
    const int r = i / G, c = i % G;
    const int gy = y0 - 1 + r, gx = x0 - 1 + c;
    int bestMag = 0, bestDx = 0, bestDy = 0;
    if (gy >= 0 && gy < height && gx >= 0 && gx < width) {  // magnitudes outside the image are 0
#pragma unroll
      for (int ch = 0; ch < C; ++ch) {
        int sx = 0, sy = 0;
#pragma unroll
        for (int a = 0; a < K; ++a) {
#pragma unroll
          for (int b = 0; b < K; ++b) {
            // Gradient cell (r, c) is source cell (r + R - 1, c + R - 1), and R - 1 == K / 2.
            const int v = pix[r + a][(c + b) * C + ch];
            sx += smoothCoef(K, a) * derivCoef(K, b) * v;
            sy += derivCoef(K, a) * smoothCoef(K, b) * v;
          }
        }
        if (K == 7) {
          sx = roundDiv16(sx);
          sy = roundDiv16(sy);
        }
        const int m = l2 ? sx * sx + sy * sy : abs(sx) + abs(sy);
        if (ch == 0 || m > bestMag) {  // first channel wins ties, as in OpenCV
          bestMag = m;
          bestDx = sx;
          bestDy = sy;
        }
      }
    }
    mag[r][c] = bestMag;
    gdx[r][c] = static_cast<short>(bestDx);
    gdy[r][c] = static_cast<short>(bestDy);
  }
  __syncthreads();

  bool strong = false;
#pragma unroll
  for (int k = 0; k < kRowsPerThread; ++k) {
    const int r = threadIdx.y + k * kThreadsY, c = threadIdx.x;
    const int gy = y0 + r, gx = x0 + c;
    if (gy >= height || gx >= width) continue;
    const int R1 = r + 1, C1 = c + 1;
    const int m = mag[R1][C1];
    const int xs = gdx[R1][C1], ys = gdy[R1][C1];
    const int x = abs(xs), y = abs(ys) << 15;
    const int tg22x = x * 13573;  // tan(22.5 deg) * 2^15, as in OpenCV
    const int tg67x = tg22x + (x << 16);
    uint8_t cls = 0;
    if (m > low) {
      bool keep;
      if (y < tg22x) {
        keep = m > mag[R1][C1 - 1] && m >= mag[R1][C1 + 1];
      } else if (y > tg67x) {
        keep = m > mag[R1 - 1][C1] && m >= mag[R1 + 1][C1];
      } else {
        const int s = (xs ^ ys) < 0 ? -1 : 1;
        keep = m > mag[R1 - 1][C1 - s] && m > mag[R1 + 1][C1 + s];
      }
      if (keep) cls = m > high ? 2 : 1;
    }
    map[static_cast<size_t>(gy) * width + gx] = cls;
    strong |= cls == 2;
  }
  if (__syncthreads_or(strong) && tid == 0) list[atomicAdd(count, 1u)] = blockIdx.x;
}

__device__ __forceinline__ void enqueue(int tile, unsigned tag, unsigned* stamp, int* list, unsigned* count) {
  if (atomicExch(&stamp[tile], tag) != tag) list[atomicAdd(count, 1u)] = tile;
}

__global__ void hysteresisWave(uint8_t* map, int width, int height, int tilesX, int tilesY,
                               const int* list, const unsigned* count, int* nextList,
                               unsigned* nextCount, unsigned* stamp, unsigned tag, bool firstWave) {
  if (blockIdx.x >= *count) return;
  constexpr int G = kTile + 2;
  __shared__ uint8_t cls[G][G + 2];
  const int tile = list[blockIdx.x];
  const int tileX = tile % tilesX, tileY = tile / tilesX;
  const int x0 = tileX * kTile, y0 = tileY * kTile;
  const int tid = threadIdx.y * kTile + threadIdx.x;

  for (int i = tid; i < G * G; i += kTile * kThreadsY) {
    const int r = i / G, c = i % G;
    const int gy = y0 - 1 + r, gx = x0 - 1 + c;
    cls[r][c] = (gy >= 0 && gy < height && gx >= 0 && gx < width) ? map[static_cast<size_t>(gy) * width + gx] : 0;
  }
  __syncthreads();

  uint8_t before[kRowsPerThread];
#pragma unroll
  for (int k = 0; k < kRowsPerThread; ++k) before[k] = cls[threadIdx.y + k * kThreadsY + 1][threadIdx.x + 1];

  // Converge inside the tile; reads of cells other threads write are benign (values only grow).
  for (;;) {
    bool changed = false;
#pragma unroll
    for (int k = 0; k < kRowsPerThread; ++k) {
      const int r = threadIdx.y + k * kThreadsY + 1, c = threadIdx.x + 1;
      if (cls[r][c] == 1 &&
          (cls[r - 1][c - 1] == 2 || cls[r - 1][c] == 2 || cls[r - 1][c + 1] == 2 || cls[r][c - 1] == 2 ||
           cls[r][c + 1] == 2 || cls[r + 1][c - 1] == 2 || cls[r + 1][c] == 2 || cls[r + 1][c + 1] == 2)) {
        cls[r][c] = 2;
        changed = true;
      }
    }
    if (!__syncthreads_or(changed)) break;
  }

#pragma unroll
  for (int k = 0; k < kRowsPerThread; ++k) {
    const int r = threadIdx.y + k * kThreadsY, c = threadIdx.x;
    const int gy = y0 + r, gx = x0 + c;
    if (gy >= height || gx >= width) continue;
    const uint8_t now = cls[r + 1][c + 1];
    if (now != before[k]) map[static_cast<size_t>(gy) * width + gx] = now;
    const bool onBorder = r == 0 || c == 0 || r == kTile - 1 || c == kTile - 1;
    if (!onBorder || now != 2 || (before[k] == 2 && !firstWave)) continue;
    // A new edge on the border: wake each neighbouring tile that holds a weak neighbour.
    for (int dy = -1; dy <= 1; ++dy) {
      for (int dx = -1; dx <= 1; ++dx) {
        const int nr = r + dy, nc = c + dx;
        if (nr >= 0 && nr < kTile && nc >= 0 && nc < kTile) continue;  // same tile
        if (cls[nr + 1][nc + 1] != 1) continue;
        const int ntx = tileX + (nc < 0 ? -1 : nc >= kTile ? 1 : 0);
        const int nty = tileY + (nr < 0 ? -1 : nr >= kTile ? 1 : 0);
        if (ntx < 0 || nty < 0 || ntx >= tilesX || nty >= tilesY) continue;
        enqueue(nty * tilesX + ntx, tag, stamp, nextList, nextCount);
      }
    }
  }
}

__global__ void writeEdges(const uint8_t* __restrict__ map, size_t pixels, int outChannels,
                           uint8_t* __restrict__ dst) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < pixels;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    const uint8_t v = map[i] == 2 ? 255 : 0;
    for (int c = 0; c < outChannels; ++c) dst[i * outChannels + c] = v;
  }
}

using SuppressKernel = void (*)(const uint8_t*, int, int, int, int, bool, int, uint8_t*, int*, unsigned*);

template <int K>
SuppressKernel pickChannels(int channels) {
  return channels == 1 ? suppressTile<K, 1> : channels == 3 ? suppressTile<K, 3> : suppressTile<K, 4>;
}

SuppressKernel pickSuppress(int aperture, int channels) {
  return aperture == 7 ? pickChannels<7>(channels)
       : aperture == 5 ? pickChannels<5>(channels)
                       : pickChannels<3>(channels);
}

// Frees everything it allocated, whatever path leaves cannyCuda.
struct DeviceBuffers {
  uint8_t* src = nullptr;
  uint8_t* map = nullptr;
  uint8_t* dst = nullptr;
  int* lists = nullptr;         // two worklists of numTiles entries
  unsigned* counters = nullptr; // counts of the two lists
  unsigned* stamp = nullptr;    // per tile: tag of the last wave it was queued for
  cudaStream_t stream = nullptr;
  ~DeviceBuffers() {
    if (stream) cudaStreamSynchronize(stream);
    cudaFree(src);
    cudaFree(map);
    cudaFree(dst);
    cudaFree(lists);
    cudaFree(counters);
    cudaFree(stamp);
    if (stream) cudaStreamDestroy(stream);
  }
};

}  // namespace

bool cannyCuda(const uint8_t* src, uint8_t* dst, const CannyParams& p, std::string* error) {
  if (!cudaStatus().available) {
    *error = cudaStatus().reason;
    return false;
  }
  const CannyThresholds t = cannyThresholds(p.low, p.high, p.aperture, p.l2gradient);
  const size_t pixels = static_cast<size_t>(p.width) * p.height;
  const int tilesX = (p.width + kTile - 1) / kTile;
  const int tilesY = (p.height + kTile - 1) / kTile;
  const int numTiles = tilesX * tilesY;
  DeviceBuffers d;
  auto check = [&](cudaError_t e, const char* what) {
    if (e == cudaSuccess) return true;
    *error = std::string("CUDA Canny: ") + what + " failed: " + cudaGetErrorString(e);
    cudaGetLastError();
    return false;
  };
  if (!check(cudaStreamCreateWithFlags(&d.stream, cudaStreamNonBlocking), "cudaStreamCreate") ||
      !check(cudaMalloc(&d.src, pixels * p.channels), "cudaMalloc") ||
      !check(cudaMalloc(&d.map, pixels), "cudaMalloc") ||
      !check(cudaMalloc(&d.dst, pixels * p.outChannels), "cudaMalloc") ||
      !check(cudaMalloc(&d.lists, sizeof(int) * 2 * numTiles), "cudaMalloc") ||
      !check(cudaMalloc(&d.counters, sizeof(unsigned) * 2), "cudaMalloc") ||
      !check(cudaMalloc(&d.stamp, sizeof(unsigned) * numTiles), "cudaMalloc"))
    return false;
  cudaStream_t s = d.stream;
  if (!check(cudaMemcpyAsync(d.src, src, pixels * p.channels, cudaMemcpyHostToDevice, s), "upload") ||
      !check(cudaMemsetAsync(d.counters, 0, sizeof(unsigned) * 2, s), "cudaMemset") ||
      !check(cudaMemsetAsync(d.stamp, 0, sizeof(unsigned) * numTiles, s), "cudaMemset"))
    return false;

  const dim3 block(kTile, kThreadsY);
  pickSuppress(p.aperture, p.channels)<<<numTiles, block, 0, s>>>(
      d.src, p.width, p.height, t.low, t.high, p.l2gradient, tilesX, d.map, d.lists, d.counters);
  if (!check(cudaGetLastError(), "suppressTile launch")) return false;

  // Wave w reads list w % 2 and fills list (w + 1) % 2, whose counter is reset just before.
  unsigned pending = 1;
  for (unsigned wave = 0; pending != 0;) {
    for (int i = 0; i < kWavesPerCheck; ++i, ++wave) {
      const int cur = wave & 1, nxt = cur ^ 1;
      if (!check(cudaMemsetAsync(d.counters + nxt, 0, sizeof(unsigned), s), "cudaMemset")) return false;
      hysteresisWave<<<numTiles, block, 0, s>>>(d.map, p.width, p.height, tilesX, tilesY,
                                                 d.lists + cur * numTiles, d.counters + cur,
                                                 d.lists + nxt * numTiles, d.counters + nxt, d.stamp,
                                                 wave + 1, wave == 0);
      if (!check(cudaGetLastError(), "hysteresisWave launch")) return false;
    }
    // One host check per kWavesPerCheck waves: is the list the next wave would read empty?
    if (!check(cudaMemcpyAsync(&pending, d.counters + (wave & 1), sizeof(unsigned), cudaMemcpyDeviceToHost, s),
               "download") ||
        !check(cudaStreamSynchronize(s), "hysteresis"))
      return false;
  }

  writeEdges<<<static_cast<unsigned>((pixels + 255) / 256 < 65535 ? (pixels + 255) / 256 : 65535), 256, 0, s>>>(
      d.map, pixels, p.outChannels, d.dst);
  if (!check(cudaGetLastError(), "writeEdges launch") ||
      !check(cudaMemcpyAsync(dst, d.dst, pixels * p.outChannels, cudaMemcpyDeviceToHost, s), "download") ||
      !check(cudaStreamSynchronize(s), "Canny"))
    return false;
  return true;
}

}  // namespace bento
