// seedforge privacy: the RDP accountant of DP-SGD on the command line.
// `privacy epsilon` gives the (epsilon, delta) guarantee of a planned or
// finished run (sample rate, noise multiplier, steps); `privacy noise` gives
// the noise multiplier that makes a planned run spend a budget. Both use
// seedforge/rdp_accountant.h, the accountant `learn --dp` uses.
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <string>

#include "cli/app.h"
#include "seedforge/error.h"
#include "seedforge/json_string.h"
#include "seedforge/rdp_accountant.h"

namespace seedforge {

namespace {

struct EpsilonArgs {
  double sample_rate = -1, noise = -1, delta = -1;
  int64_t steps = -1;
  bool json = false;
};

struct NoiseArgs {
  double epsilon = -1, delta = -1, sample_rate = -1;
  int64_t steps = -1;
  double epochs = -1;
  bool json = false;
};

void CheckSampleRate(double q) {
  if (!(q > 0 && q <= 1)) {
    throw UsageError(fmt::format("--sample-rate must be in (0, 1] (batch size / rows), got {:g}", q));
  }
}

void CheckDelta(double delta) {
  if (!(delta > 0 && delta < 1)) {
    throw UsageError(fmt::format("--delta must be in (0, 1), usually below 1 / rows; got {:g}", delta));
  }
}

// Opacus warns likewise: at the first or last order the minimum may lie
// outside the orders searched, so the bound is valid but may be loose.
void WarnAtEdge(const dp::Spent& spent) {
  const std::vector<double> orders = dp::DefaultOrders();
  if (spent.order == orders.front() || spent.order == orders.back()) {
    std::fprintf(stderr,
                 "seedforge: warning: the best RDP order is %g, the %s one searched; epsilon is an upper bound "
                 "but may be loose\n",
                 spent.order, spent.order == orders.front() ? "smallest" : "largest");
  }
}

void RunEpsilon(const EpsilonArgs& args) {
  CheckSampleRate(args.sample_rate);
  if (!(args.noise > 0) || !std::isfinite(args.noise)) {
    throw UsageError(fmt::format("--noise-multiplier must be > 0 (noise sd / clipping norm), got {:g}", args.noise));
  }
  if (args.steps < 1) throw UsageError(fmt::format("--steps must be at least 1, got {}", args.steps));
  CheckDelta(args.delta);
  dp::RdpAccountant accountant;
  accountant.Add(args.sample_rate, args.noise, args.steps);
  const dp::Spent spent = accountant.EpsilonSpent(args.delta);
  WarnAtEdge(spent);
  if (args.json) {
    std::string out = "{\"accountant\":";
    AppendJsonString("rdp", out);
    out += fmt::format(
        ",\"sample_rate\":{},\"noise_multiplier\":{},\"steps\":{},\"delta\":{},\"epsilon\":{},\"order\":{}}}\n",
        args.sample_rate, args.noise, args.steps, args.delta, spent.epsilon, spent.order);
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::printf("epsilon %.6g at delta %g (RDP accountant, best order %g): %lld steps at sample rate %g, "
              "noise multiplier %g\n",
              spent.epsilon, args.delta, spent.order, static_cast<long long>(args.steps), args.sample_rate,
              args.noise);
}

void RunNoise(const NoiseArgs& args) {
  if (!(args.epsilon > 0) || !std::isfinite(args.epsilon)) {
    throw UsageError(fmt::format("--epsilon must be > 0, got {:g}", args.epsilon));
  }
  CheckDelta(args.delta);
  CheckSampleRate(args.sample_rate);
  int64_t steps = args.steps;
  if (args.epochs >= 0) {
    if (!(args.epochs > 0) || !std::isfinite(args.epochs)) {
      throw UsageError(fmt::format("--epochs must be > 0, got {:g}", args.epochs));
    }
    // As Opacus: an epoch is 1 / q steps in expectation.
    const double planned = std::floor(args.epochs / args.sample_rate);
    if (planned > 1e12) throw UsageError("--epochs / --sample-rate gives more than 1e12 steps");
    steps = static_cast<int64_t>(planned);
  }
  if (steps < 1) throw UsageError(fmt::format("the run has no steps (--steps or --epochs / --sample-rate < 1)"));
  const double sigma = dp::SolveNoiseMultiplier(args.epsilon, args.delta, args.sample_rate, steps);
  dp::RdpAccountant accountant;
  accountant.Add(args.sample_rate, sigma, steps);
  const dp::Spent spent = accountant.EpsilonSpent(args.delta);
  if (args.json) {
    std::string out = "{\"accountant\":";
    AppendJsonString("rdp", out);
    out += fmt::format(
        ",\"target_epsilon\":{},\"delta\":{},\"sample_rate\":{},\"steps\":{},\"noise_multiplier\":{},"
        "\"epsilon\":{},\"order\":{}}}\n",
        args.epsilon, args.delta, args.sample_rate, steps, sigma, spent.epsilon, spent.order);
    std::fputs(out.c_str(), stdout);
    return;
  }
  std::printf("noise multiplier %.6g: %lld steps at sample rate %g spend epsilon %.6g of %g at delta %g "
              "(RDP accountant, best order %g)\n",
              sigma, static_cast<long long>(steps), args.sample_rate, spent.epsilon, args.epsilon, args.delta,
              spent.order);
}

}  // namespace

void SetupPrivacyCommand(CLI::App& app) {
  CLI::App* privacy = app.add_subcommand(
      "privacy", "Differential-privacy accounting for DP-SGD: epsilon of a run, or the noise for a budget");
  privacy->require_subcommand(1);
  privacy->footer(
      "The accountant is Renyi DP for the sampled Gaussian mechanism, with the orders and the conversion to\n"
      "(epsilon, delta) of Opacus's RDPAccountant, so its figures agree with Opacus (docs/privacy.md).\n");

  auto eargs = std::make_shared<EpsilonArgs>();
  CLI::App* epsilon = AddCommand(
      *privacy, "epsilon", "The (epsilon, delta) a DP-SGD run spends",
      {"seedforge privacy epsilon --sample-rate 0.04 --noise-multiplier 1.5 --steps 2250 --delta 1e-5",
       "seedforge privacy epsilon --sample-rate 0.01 --noise-multiplier 1.1 --steps 10000 --delta 1e-5 --json"},
      "Each step samples every row independently with probability --sample-rate (Poisson sampling), clips\n"
      "each row's gradient and adds Gaussian noise of sd = noise multiplier x clipping norm.\n");
  epsilon->add_option("--sample-rate", eargs->sample_rate, "Poisson sampling rate q in (0, 1]: batch size / rows")
      ->required();
  epsilon->add_option("--noise-multiplier", eargs->noise, "Noise multiplier sigma > 0: noise sd / clipping norm")
      ->required();
  epsilon->add_option("--steps", eargs->steps, "Training steps (batches) that saw real data, >= 1")->required();
  epsilon->add_option("--delta", eargs->delta, "delta in (0, 1): usually below 1 / rows")->required();
  epsilon->add_flag("--json", eargs->json, "Print one JSON object instead of a sentence");
  epsilon->callback([eargs] { RunEpsilon(*eargs); });

  auto nargs = std::make_shared<NoiseArgs>();
  CLI::App* noise = AddCommand(
      *privacy, "noise", "The noise multiplier that makes a planned DP-SGD run spend a budget",
      {"seedforge privacy noise --epsilon 8 --delta 1e-5 --sample-rate 0.04 --epochs 90",
       "seedforge privacy noise --epsilon 1 --delta 1e-5 --sample-rate 0.01 --steps 3000 --json"},
      "The multiplier is found by bisection, as Opacus's get_noise_multiplier: the run then spends at most\n"
      "--epsilon and within 0.01 of it. --epochs N means N / sample-rate steps.\n");
  noise->add_option("--epsilon", nargs->epsilon, "The budget epsilon > 0")->required();
  noise->add_option("--delta", nargs->delta, "delta in (0, 1): usually below 1 / rows")->required();
  noise->add_option("--sample-rate", nargs->sample_rate, "Poisson sampling rate q in (0, 1]: batch size / rows")
      ->required();
  CLI::Option* steps = noise->add_option("--steps", nargs->steps, "Planned training steps, >= 1");
  CLI::Option* epochs = noise->add_option("--epochs", nargs->epochs, "Planned epochs (steps = epochs / sample rate)");
  steps->excludes(epochs);
  noise->add_flag("--json", nargs->json, "Print one JSON object instead of a sentence");
  noise->callback([nargs, steps, epochs] {
    if (steps->count() == 0 && epochs->count() == 0) throw UsageError("privacy noise needs --steps or --epochs");
    RunNoise(*nargs);
  });
}

}  // namespace seedforge
