// CPU Canny that reproduces OpenCV 4.x cv::Canny bit for bit (see canny.cc for the rules).
#pragma once
#include <cstdint>

#include "canny_rows.h"

namespace bento {


// Plain description of one Canny call; built on the JS thread, read by any thread.
struct CannyParams {
  int width = 0;
  int height = 0;
  int channels = 1;      // 1, 3 or 4, interleaved, packed rows
  int aperture = 3;      // 3, 5 or 7
  bool l2gradient = false;
  double low = 0;        // as given by the caller (swapped if low > high, like OpenCV)
  double high = 0;
  int outChannels = 1;   // 1, or 3 for the edges stacked to H x W x 3
  int threads = 1;
};

// Integer thresholds exactly as cv::Canny derives them from the double arguments.
CannyThresholds cannyThresholds(double low, double high, int aperture, bool l2gradient);

// Writes width * height * outChannels bytes (255 = edge, 0 = not) to dst.
// The result does not depend on params.threads.
void cannyCpu(const uint8_t* src, uint8_t* dst, const CannyParams& params);

// Number of worker threads used when the caller asks for "all".
int defaultThreadCount();

}  // namespace bento
