// Exact event-driven simulation of MODEL.md §1.
//
// Spikes come by thinning. Neurons are split into G contiguous groups. At each sample time a sweep
// gives each group's largest potential M_g; until the next sample time, no potential can rise by
// more than the integral of I plus the kicks received, so while that rise stays below a level L,
// phi(M_g + L) (phi is nondecreasing) bounds the intensity of every neuron of group g. Proposals
// come at the total rate sum_g n_g phi(M_g + L); a proposal picks a group by its share (alias
// table), a neuron uniformly inside it, and is accepted with probability phi(U_i(t-)) / bound_g.
// When the kicks use up the cushion, the level is raised and the bounds rebuilt (O(G)); the
// exponential clock restarts (memorylessness), so the spike times are exact. Bounds follow the
// groups' own maxima, so a quiet network is not proposed to at a global maximum rate.
//
// The bounds are rebuilt on windows of the replica's own (their length follows its rate and leak,
// never the sample times), and a proposal pending at a sample time is kept, its remaining
// exponential clock rescaled when the bounds change: the spikes of a replica, hence its exit time
// (ExitTracker, at event resolution), do not depend on time.sample. Sample times only look.
#include "particles/exact_simulator.hpp"

#include <array>
#include <cmath>
#include <stdexcept>

#include "model/memory_region.hpp"
#include "particles/alias_table.hpp"
#include "particles/exit_tracker.hpp"
#include "particles/exponential_ziggurat.hpp"
#include "particles/neuron_state.hpp"
#include "particles/population_sweep.hpp"
#include "particles/quiet_relaxation.hpp"
#include "particles/random_stream.hpp"
#include "particles/rate_kernel.hpp"
#include "particles/snapshot_schedule.hpp"

namespace stf::particles {

namespace {

// Group size: a power of two, about N / 256 within [256, 4096]. Rebuilding the bounds
// costs O(G) and the sweep reduces once per group, so groups should not be small; neurons of a
// replica are exchangeable, so a group's maximum is close to the population's whatever its size.
long choose_group_size(long n)
{
  long g = 256;
  while (g < 4096 && g * 256 < n) g *= 2;
  return g;
}

class ExactReplica {
public:
  ExactReplica(const model::Case& c, const ReplicaRequest& r)
      : case_(c),
        p_(c.model),
        req_(r),
        n_(r.neurons),
        phi_(c.model.phi),
        state_(c.model, r.neurons),
        group_size_(choose_group_size(r.neurons)),
        groups_((r.neurons + group_size_ - 1) / group_size_),
        sweep_(c.model, group_size_),
        quiet_(c.model),
        tracker_(c.model, c.region, r.neurons),
        track_events_(ExitTracker::applies(c.model, c.region)),
        rng_(r.seed, r.replica, stream_purpose::dynamics),
        ziggurat_rng_(r.seed, r.replica, stream_purpose::extra),
        group_max_(static_cast<std::size_t>(groups_), 0.0),
        bound_(static_cast<std::size_t>(groups_), 0.0),
        weight_(static_cast<std::size_t>(groups_), 0.0)
  {
  }

  ReplicaOutput run();

private:
  // A proposal drawn ahead: its uniforms are fixed when drawn, its group and neuron are resolved
  // against the alias table of the time (again after a rebuild), and the neuron is prefetched.
  struct Candidate {
    std::uint64_t column_word;  // column of the alias table, and the neuron inside the group
    double side;                // alias side, in (0, 1)
    double accept;              // acceptance uniform, in (0, 1)
    double wait;                // an Exp(1) waiting time (ziggurat)
    std::uint64_t version;      // table version it was resolved with
    long neuron;
    std::uint32_t group;
  };
  static constexpr std::size_t lookahead = 8;

  void resolve(Candidate& k) const noexcept
  {
    k.version = version_;
    if (alias_.size() == 0) {
      k.neuron = -1;
      return;
    }
    std::uint64_t rest = 0;
    const std::uint32_t column = alias_.column(k.column_word, rest);
    k.group = alias_.resolve(column, k.side);
    const long begin = static_cast<long>(k.group) * group_size_;
    const auto members = static_cast<std::uint64_t>(std::min(group_size_, n_ - begin));
    k.neuron = begin + static_cast<long>((static_cast<uint128>(rest) * members) >> 64);
    state_.prefetch(k.neuron);
  }
  // Fills the slot field by field, in place: building a Candidate on the stack and copying it in
  // made the stores and the wider loads of the copy miss store-to-load forwarding on every proposal.
  void draw_candidate(Candidate& k) noexcept
  {
    const auto w = rng_.block();
    k.column_word = w[0];
    k.side = RandomStream::to_open_unit(w[1]);
    k.accept = RandomStream::to_open_unit(w[2]);
    k.wait = exponential_(w[3], [this] { return ziggurat_rng_.next(); });
    resolve(k);
  }
  void rebuild_bounds();
  void start_window();
  void simulate_to(double t);
  void run_until(double t_stop);
  model::Observables sample(double t, bool& silent_now);
  Snapshot snapshot() const;

  const model::Case& case_;
  const model::ModelParameters& p_;
  const ReplicaRequest& req_;
  long n_;
  RateKernel phi_;
  NeuronState state_;
  long group_size_, groups_;
  PopulationSweep sweep_;
  QuietRelaxation quiet_;  // closed-form observables once no spike and no input come any more
  ExitTracker tracker_;
  bool track_events_;      // exit at event resolution (else at sample times)
  long spikes_at_last_sample_ = -1;
  RandomStream rng_;
  RandomStream ziggurat_rng_;
  ExponentialZiggurat exponential_;

  std::vector<double> group_max_, bound_, weight_;
  std::vector<double> sample_group_max_;
  AliasTable alias_;
  std::uint64_t version_ = 0;
  double total_bound_ = 0.0;
  double inverse_total_ = 0.0;
  double window_end_ = 0.0;
  double window_input_rise_ = 0.0;  // integral of I over the current window
  double rise_ = 0.0;          // bound on any potential's rise since the window began
  double kick_budget_ = 0.0;   // kicks still allowed before the bounds must be raised
  double drive_estimate_ = 0.0, kick_estimate_ = 0.0;
  double shift_u_ = 0.0, shift_c_ = 0.0;              // window sweeps
  double sample_shift_u_ = 0.0, sample_shift_c_ = 0.0;  // sample sweeps
  bool silent_ = false;
  bool stopped_ = false;  // run_until returned early on an interrupt
  static constexpr long stop_poll_mask = 4095;  // poll every 4096 proposals (well below a millisecond)
  // The next proposal, drawn but not yet reached (kept across sample times).
  bool has_pending_ = false;
  Candidate pending_{};
  double pending_time_ = 0.0;
  std::array<Candidate, lookahead> ring_{};
  std::size_t ring_pos_ = 0;
  ReplicaOutput out_;
};

void ExactReplica::rebuild_bounds()
{
  const double t = state_.time();
  // Cushion for the kicks: about twice what the current drive brings before the window ends, and
  // at least a few of the largest kicks, so that rebuilds stay rare.
  const double cushion = 2.0 * drive_estimate_ * (window_end_ - t) + 4.0 * kick_estimate_ + 1e-12;
  // Since the window began, a potential rose by at most the window's input and the kicks (rise_).
  const double level = window_input_rise_ + rise_ + cushion;
  kick_budget_ = cushion;
  total_bound_ = 0.0;
  for (long g = 0; g < groups_; ++g) {
    const auto gi = static_cast<std::size_t>(g);
    const long members = std::min(group_size_, n_ - g * group_size_);
    bound_[gi] = phi_(group_max_[gi] + level);
    weight_[gi] = static_cast<double>(members) * bound_[gi];
    total_bound_ += weight_[gi];
  }
  const double old_total = 1.0 / inverse_total_;
  inverse_total_ = total_bound_ > 0.0 ? 1.0 / total_bound_ : 0.0;
  // A pending proposal's clock has used up (t - drawn) old_total of its Exp(1) mass; the rest,
  // Exp(1)-distributed again by memorylessness, is spent at the new total rate.
  if (has_pending_) {
    if (total_bound_ > 0.0) pending_time_ = t + (pending_time_ - t) * old_total * inverse_total_;
    else has_pending_ = false;
  }
  alias_.build(weight_);
  ++version_;
}

void ExactReplica::run_until(double t_stop)
{
  while (true) {
    if (silent_ || !(total_bound_ > 0.0)) {
      state_.advance_to(t_stop);
      return;
    }
    if (!has_pending_) {
      pending_ = ring_[ring_pos_];
      draw_candidate(ring_[ring_pos_]);
      ring_pos_ = (ring_pos_ + 1) % lookahead;
      pending_time_ = state_.time() + pending_.wait * inverse_total_;
      has_pending_ = true;
      ++out_.proposals;
      // A window may hold any number of events: Ctrl-C is also polled every so many of them.
      if ((out_.proposals & stop_poll_mask) == 0 && req_.stop && req_.stop->load(std::memory_order_relaxed)) {
        stopped_ = true;
        return;
      }
    }
    if (pending_time_ >= t_stop) {  // kept for later: sample times do not touch the proposals
      state_.advance_to(t_stop);
      return;
    }
    has_pending_ = false;
    Candidate k = pending_;
    if (k.version != version_) resolve(k);  // drawn before a rebuild: same words, current table

    state_.advance_to(pending_time_);
    const double u = state_.potential(k.neuron);
    const double bound = bound_[k.group];
    const double rate = phi_(u);
    if (rate > bound) ++out_.bound_violations;
    if (k.accept * bound >= rate) continue;

    if (track_events_) tracker_.before_spike(state_, u, state_.calcium(k.neuron));
    const double kick = state_.spike(k.neuron, u);
    if (track_events_) tracker_.after_spike(state_);
    ++out_.spikes;
    if (req_.raster) out_.raster.emplace_back(state_.time(), k.neuron);
    rise_ += kick;
    kick_budget_ -= kick;
    bool rebuild = kick_budget_ < 0.0;
    if (p_.reset && p_.u_reset > group_max_[k.group]) {
      group_max_[k.group] = p_.u_reset;  // the reset neuron may now be the group's largest
      rebuild = true;
    }
    if (rebuild) rebuild_bounds();
  }
}

void ExactReplica::simulate_to(double t)
{
  while (!silent_ && window_end_ <= t) {
    run_until(window_end_);
    if (stopped_) return;
    start_window();
  }
  run_until(t);
}

void ExactReplica::start_window()
{
  // The bounds start again from the groups' maxima (one sweep), which also gives the exit tracker
  // an exact look at the region.
  const double t = state_.time();
  const SweepResult s = sweep_.run(state_, group_max_, shift_u_, shift_c_);
  const auto& o = s.observables;
  shift_u_ = o.mean_potential();
  shift_c_ = o.mean_calcium();
  drive_estimate_ = o.drive();
  kick_estimate_ = p_.kick_weight(s.max_calcium + 1.0) / static_cast<double>(n_);
  if (track_events_) tracker_.observe(state_, o);
  state_.rebase();
  // Window length: the time over which the potentials decay by e or the population
  // fires once per neuron, so that a sweep costs less than the spikes it serves and the bounds stay
  // close to the rates. A function of the replica's own state only.
  const double pace = std::max({p_.leak_U.rate, o.rate(), drive_estimate_ / std::max(1.0, s.max_calcium + 1.0), 1e-3});
  window_end_ = t + 1.0 / pace;
  // dU/dt <= I(t) for both leak laws: no potential rises by more than the integral of I.
  window_input_rise_ = p_.input.is_zero() ? 0.0 : model::flow_through(
      model::LeakLaw{model::LeakKind::exponential, 0.0}, 0.0, t, window_end_, p_.input);
  rise_ = 0.0;
  rebuild_bounds();
}

model::Observables ExactReplica::sample(double t, bool& silent_now)
{
  // A stretch without spikes or input is a pure relaxation: once the closed form is exact to
  // rounding, it replaces the O(N) sweep (the silent tail then costs O(groups) per sample).
  const bool quiet_since_last = out_.spikes == spikes_at_last_sample_;
  const bool no_input_from_now = p_.input.value(t) == 0.0 && std::isinf(p_.input.next_change_after(t));
  if (!quiet_since_last) quiet_.drop();
  std::optional<SweepResult> relaxed;
  if (quiet_.has_reference()) relaxed = quiet_.at(t, sample_group_max_);
  // The sweep writes maxima into a scratch vector: the window's maxima alone set the bounds.
  sample_group_max_.resize(group_max_.size());
  if (relaxed) sample_group_max_ = group_max_;
  const SweepResult s = relaxed ? *relaxed : sweep_.run(state_, sample_group_max_, sample_shift_u_, sample_shift_c_);
  if (!relaxed && !quiet_.has_reference() && quiet_since_last && no_input_from_now && quiet_.applies())
    quiet_.take_reference(state_, s, sample_group_max_);
  spikes_at_last_sample_ = out_.spikes;

  const auto& o = s.observables;
  sample_shift_u_ = o.mean_potential();
  sample_shift_c_ = o.mean_calcium();
  silent_now = silent_from_now(p_, n_, o.rate(), t, req_.sample_times.back());
  return o;
}

Snapshot ExactReplica::snapshot() const
{
  Snapshot s;
  s.t = state_.time();
  s.U.resize(static_cast<std::size_t>(n_));
  s.C.resize(static_cast<std::size_t>(n_));
  state_.materialise(0, n_, s.U.data(), s.C.data());
  return s;
}

ReplicaOutput ExactReplica::run()
{
  const auto& times = req_.sample_times;
  draw_initial_state(case_.initial, req_.seed, req_.replica, n_, [this](long i, double u, double c) { state_.set(i, u, c); });
  shift_u_ = sample_shift_u_ = case_.initial.U.expectation();
  shift_c_ = sample_shift_c_ = case_.initial.C.expectation();
  model::ExitTimeDetector detector(case_.region);
  auto exited = [&] { return track_events_ ? tracker_.exited() : detector.exited(); };
  SnapshotSchedule snaps(req_.snapshot_times);
  out_.observables.reserve(times.size());
  out_.silent_from = times.back();
  inverse_total_ = 1.0;  // no proposal pending yet: any finite value
  start_window();
  for (auto& k : ring_) draw_candidate(k);

  for (std::size_t s = 0; s < times.size(); ++s) {
    for (double ts = snaps.next_before(times[s]); ts >= 0.0; ts = snaps.next_before(times[s])) {
      simulate_to(ts);
      if (stopped_) break;
      out_.snapshots.push_back(snapshot());
    }
    if (!stopped_) simulate_to(times[s]);
    if (stopped_) {
      out_.interrupted = true;
      break;
    }
    bool silent_now = false;
    out_.observables.push_back(sample(times[s], silent_now));
    if (track_events_) tracker_.observe(state_, out_.observables.back());
    else detector.observe(times[s], out_.observables.back());
    if (snaps.due_at(times[s])) out_.snapshots.push_back(snapshot());
    if (!silent_ && !req_.whole_horizon && exited() && silent_now) {
      silent_ = true;
      out_.silent_from = times[s];
    }
    if (req_.progress) req_.progress(times[s] / times.back());
    if (req_.exit_only && exited()) break;  // nothing else was asked for
    if (req_.stop && req_.stop->load(std::memory_order_relaxed)) {
      out_.interrupted = true;
      break;
    }
  }
  out_.exit_time = track_events_ ? tracker_.exit_time() : detector.exit_time();
  out_.exact_looks = tracker_.exact_looks();
  return std::move(out_);
}

}  // namespace

ReplicaOutput simulate_replica_exact(const model::Case& c, const ReplicaRequest& request)
{
  if (request.neurons < 1) throw std::invalid_argument("the number of neurons must be at least 1");
  if (request.sample_times.empty()) throw std::invalid_argument("a replica needs at least one sample time");
  ExactReplica replica(c, request);
  return replica.run();
}

}  // namespace stf::particles
