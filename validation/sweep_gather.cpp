// The points of a sweep gathered across ranks (validation/sweep_gather.hpp).
#include "validation/sweep_gather.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <thread>

namespace stf::validation {

namespace {

/// Bytes in, bytes out: the points are copied exactly (a double's bits, not its decimal form).
struct Writer {
  std::vector<char> bytes;
  template <class T>
  void put(const T& v)
  {
    const auto at = bytes.size();
    bytes.resize(at + sizeof(T));
    std::memcpy(bytes.data() + at, &v, sizeof(T));
  }
  void put_string(const std::string& s)
  {
    put(static_cast<std::uint64_t>(s.size()));
    bytes.insert(bytes.end(), s.begin(), s.end());
  }
  void put_optional(const std::optional<double>& v)
  {
    put(static_cast<std::uint8_t>(v ? 1 : 0));
    put(v.value_or(0.0));
  }
  void put_vector(const std::vector<double>& v)
  {
    put(static_cast<std::uint64_t>(v.size()));
    for (double x : v) put(x);
  }
};

struct Reader {
  const std::vector<char>& bytes;
  std::size_t at = 0;
  template <class T>
  T get()
  {
    if (at + sizeof(T) > bytes.size()) throw std::logic_error("sweep: a rank's points were cut short");
    T v;
    std::memcpy(&v, bytes.data() + at, sizeof(T));
    at += sizeof(T);
    return v;
  }
  std::string get_string()
  {
    const auto n = static_cast<std::size_t>(get<std::uint64_t>());
    if (at + n > bytes.size()) throw std::logic_error("sweep: a rank's points were cut short");
    std::string s(bytes.data() + at, n);
    at += n;
    return s;
  }
  std::optional<double> get_optional()
  {
    const bool has = get<std::uint8_t>() != 0;
    const double v = get<double>();
    return has ? std::optional<double>(v) : std::nullopt;
  }
  std::vector<double> get_vector()
  {
    std::vector<double> v(static_cast<std::size_t>(get<std::uint64_t>()));
    for (double& x : v) x = get<double>();
    return v;
  }
};

void put_point(Writer& w, std::size_t index, const SweepPoint& p)
{
  w.put(static_cast<std::uint64_t>(index));
  w.put(p.value);
  w.put_optional(p.value2);
  w.put_string(p.error);
  w.put_optional(p.limit_exit_time);
  w.put_vector(p.limit_peak);
  w.put(p.limit_mass_error);
  w.put_optional(p.limit_exit_time_error);
  w.put_vector(p.limit_peak_error);
  w.put(static_cast<std::uint8_t>(p.limit_converged ? (*p.limit_converged ? 2 : 1) : 0));
  w.put_string(p.limit_stop_reason);
  // The finite system runs after the gathering, on all ranks: its fields are not shared here.
}

SweepPoint get_point(Reader& r, std::size_t& index)
{
  index = static_cast<std::size_t>(r.get<std::uint64_t>());
  SweepPoint p;
  p.value = r.get<double>();
  p.value2 = r.get_optional();
  p.error = r.get_string();
  p.limit_exit_time = r.get_optional();
  p.limit_peak = r.get_vector();
  p.limit_mass_error = r.get<double>();
  p.limit_exit_time_error = r.get_optional();
  p.limit_peak_error = r.get_vector();
  if (const auto converged = r.get<std::uint8_t>(); converged != 0) p.limit_converged = converged == 2;
  p.limit_stop_reason = r.get_string();
  return p;
}

}  // namespace

PointShare share_points(const PointShare& mine, MPI_Comm comm)
{
  int rank = 0, size = 1;
  MPI_Comm_rank(comm, &rank);
  MPI_Comm_size(comm, &size);
  Writer w;
  w.put(static_cast<std::uint8_t>(mine.interrupted ? 1 : 0));
  w.put_string(mine.internal_error);
  w.put(static_cast<std::uint64_t>(mine.points.size()));
  for (std::size_t k = 0; k < mine.points.size(); ++k) put_point(w, mine.index[k], mine.points[k]);

  // A rank done with its share waits for the others asleep: MPI's blocking calls poll at full
  // speed, and a polling rank takes a core from the ranks still solving when cores are shared.
  MPI_Request arrived = MPI_REQUEST_NULL;
  MPI_Ibarrier(comm, &arrived);
  for (int all_done = 0;;) {
    MPI_Test(&arrived, &all_done, MPI_STATUS_IGNORE);
    if (all_done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // Gathered on rank 0, then broadcast whole: every rank decodes the same bytes.
  const int length = static_cast<int>(w.bytes.size());
  std::vector<int> lengths(static_cast<std::size_t>(size)), offsets(static_cast<std::size_t>(size));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, comm);
  long total = 0;
  if (rank == 0) {
    for (int k = 0; k < size; ++k) {
      offsets[std::size_t(k)] = static_cast<int>(total);
      total += lengths[std::size_t(k)];
    }
    if (total > std::numeric_limits<int>::max()) throw std::runtime_error("sweep: the points are too many to gather");
  }
  std::vector<char> all(static_cast<std::size_t>(total));
  MPI_Gatherv(w.bytes.data(), length, MPI_BYTE, all.data(), lengths.data(), offsets.data(), MPI_BYTE, 0, comm);
  MPI_Bcast(&total, 1, MPI_LONG, 0, comm);
  MPI_Bcast(lengths.data(), size, MPI_INT, 0, comm);
  all.resize(static_cast<std::size_t>(total));
  MPI_Bcast(all.data(), static_cast<int>(total), MPI_BYTE, 0, comm);

  PointShare joined;
  std::vector<std::pair<std::size_t, SweepPoint>> points;
  std::size_t start = 0;
  for (int k = 0; k < size; ++k) {
    const std::vector<char> part(all.begin() + static_cast<long>(start),
                                 all.begin() + static_cast<long>(start) + lengths[std::size_t(k)]);
    start += static_cast<std::size_t>(lengths[std::size_t(k)]);
    Reader r{part};
    joined.interrupted = r.get<std::uint8_t>() != 0 || joined.interrupted;
    const std::string error = r.get_string();
    if (joined.internal_error.empty() && !error.empty()) joined.internal_error = error;
    const auto count = static_cast<std::size_t>(r.get<std::uint64_t>());
    for (std::size_t n = 0; n < count; ++n) {
      std::size_t index = 0;
      SweepPoint p = get_point(r, index);
      points.emplace_back(index, std::move(p));
    }
  }
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, p] : points) {
    joined.index.push_back(index);
    joined.points.push_back(std::move(p));
  }
  return joined;
}

}  // namespace stf::validation
