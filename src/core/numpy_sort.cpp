#include "nmfkit/core/numpy_sort.hpp"

#include <bit>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <utility>

namespace nmfkit {

namespace {

// NumPy's SMALL_QUICKSORT: a partition with hi - lo at most this (16 elements or fewer)
// is finished by insertion sort.
constexpr Index kSmallPartition = 15;

// NumPy's comparison: NaN is greater than everything else.
template <class T>
bool less(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return a < b || (std::isnan(b) && !std::isnan(a));
  } else {
    return a < b;
  }
}

// NumPy's indirect heapsort of order[0, n): a 1-based binary heap over positions.
template <class T>
void heapsort(const T* v, Index* order, Index n) {
  auto at = [order](Index i) -> Index& { return order[i - 1]; };
  auto sift_down = [&](Index i, Index size, Index moving) {
    for (Index j = 2 * i; j <= size;) {
      if (j < size && less(v[at(j)], v[at(j + 1)])) ++j;
      if (!less(v[moving], v[at(j)])) break;
      at(i) = at(j);
      i = j;
      j += j;
    }
    at(i) = moving;
  };
  for (Index l = n / 2; l > 0; --l) sift_down(l, n, at(l));
  for (Index size = n; size > 1;) {
    const Index moving = at(size);
    at(size) = at(1);
    --size;
    sift_down(1, size, moving);
  }
}

template <class T>
void insertion_sort(const T* v, Index* order, Index lo, Index hi) {
  for (Index i = lo + 1; i <= hi; ++i) {
    const Index moving = order[i];
    Index j = i;
    while (j > lo && less(v[moving], v[order[j - 1]])) {
      order[j] = order[j - 1];
      --j;
    }
    order[j] = moving;
  }
}

// One partition step of NumPy's quicksort on order[lo, hi]; returns the pivot's position.
template <class T>
Index partition(const T* v, Index* order, Index lo, Index hi) {
  const Index mid = lo + ((hi - lo) >> 1);
  if (less(v[order[mid]], v[order[lo]])) std::swap(order[mid], order[lo]);
  if (less(v[order[hi]], v[order[mid]])) std::swap(order[hi], order[mid]);
  if (less(v[order[mid]], v[order[lo]])) std::swap(order[mid], order[lo]);
  const T pivot = v[order[mid]];
  Index i = lo;
  Index j = hi - 1;
  std::swap(order[mid], order[j]);
  for (;;) {
    do ++i;
    while (less(v[order[i]], pivot));
    do --j;
    while (less(pivot, v[order[j]]));
    if (i >= j) break;
    std::swap(order[i], order[j]);
  }
  std::swap(order[i], order[hi - 1]);
  return i;
}

}  // namespace

template <class T>
std::vector<Index> numpy_argsort(std::span<const T> values) {
  const Index n = static_cast<Index>(values.size());
  std::vector<Index> order(values.size());
  std::iota(order.begin(), order.end(), Index{0});
  if (n < 2) return order;
  const T* v = values.data();

  // NumPy's explicit stack: the larger side waits, with the depth budget it had when
  // split off; the budget is only checked when a partition is taken up.
  struct Pending {
    Index lo, hi;
    int depth;
  };
  std::vector<Pending> pending;
  Index lo = 0;
  Index hi = n - 1;
  int depth = 2 * (std::bit_width(static_cast<std::uint64_t>(n)) - 1);
  for (;;) {
    if (depth < 0) {
      heapsort(v, order.data() + lo, hi - lo + 1);
    } else {
      while (hi - lo > kSmallPartition) {
        const Index p = partition(v, order.data(), lo, hi);
        --depth;
        if (p - lo < hi - p) {
          pending.push_back({p + 1, hi, depth});
          hi = p - 1;
        } else {
          pending.push_back({lo, p - 1, depth});
          lo = p + 1;
        }
      }
      insertion_sort(v, order.data(), lo, hi);
    }
    if (pending.empty()) break;
    lo = pending.back().lo;
    hi = pending.back().hi;
    depth = pending.back().depth;
    pending.pop_back();
  }
  return order;
}

template std::vector<Index> numpy_argsort<double>(std::span<const double>);
template std::vector<Index> numpy_argsort<float>(std::span<const float>);
template std::vector<Index> numpy_argsort<std::int64_t>(std::span<const std::int64_t>);

}  // namespace nmfkit
