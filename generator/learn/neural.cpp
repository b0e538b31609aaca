// The CTGAN and TVAE synthesizers, apart from their training.
//
// Fit encodes the table (learn/transformer.h) and hands it to TrainCtgan /
// TrainTvae (learn/ctgan.cpp, learn/tvae.cpp, LibTorch, reached through the
// dlopen'ed module of learn/neural_module.h); they return the
// sampling network's weights, which this file saves, loads and runs in
// seedforge's own dense kernels (learn/dense.h). Every random number of a
// sampled row (the latent vector, the conditional vector, the draws of
// the one-hot outputs, TVAE's output noise) comes from the row's
// own stream, so a row is a pure function of (model, key, row).
//
// Under differential privacy (FitOptions::dp, docs/privacy-neural.md) Fit
// takes the columns from what is public (learn/public_columns.h), encodes
// with min-max scaling to the public bounds (DataTransformer::FitPublic),
// plans DP-SGD (the sampling rate q = batch / rows, the steps the planned
// epochs take at that rate, the noise multiplier at which those steps spend
// exactly epsilon by the RDP accountant) and records what was spent in the
// model (DpAccount, saved from payload version 2 on).
//
// Sampling follows ctgan's sample(): CTGAN draws z ~ N(0, I) and a
// conditional vector from the data's category frequencies
// (sample_original_condvec), or fixes it when a --where names a categorical
// column (the condition_column of ctgan); each one-hot output is drawn from
// its softmax, the distribution of _apply_activate's Gumbel-softmax then
// argmax.
// TVAE draws z ~ N(0, I), decodes, and adds N(0, sigma) to each alpha.
//
// Two departures. TVAE's one-hot outputs (modes, categories, NULL flags)
// are drawn from their softmax too, where ctgan takes the argmax: the
// decoder is trained as a categorical likelihood, and the argmax, being
// mode-seeking, under-samples minority categories, NULLs and the modes a
// mixture splits over several components. And CTGAN's batch norm uses its
// population statistics (the generator in evaluation mode), not those of
// the batch being sampled, since a row must not depend on its batch.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "learn/dense.h"
#include "learn/models.h"
#include "learn/neural_module.h"
#include "learn/numeric.h"
#include "learn/public_columns.h"
#include "learn/sampling.h"
#include "learn/serialize.h"
#include "learn/transformer.h"
#include "learn/values.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/rdp_accountant.h"

namespace seedforge::internal {

namespace {

// 2: the DP account follows the epochs (version 1 models load as not
// private).
constexpr uint32_t kPayloadVersion = 2;
constexpr size_t kBlockRows = 96;  // rows pushed through the network together (a multiple of the tiles' 12 and 6)

void WriteLinear(ByteWriter& out, const LinearWeights& l) {
  out.U32(static_cast<uint32_t>(l.in));
  out.U32(static_cast<uint32_t>(l.out));
  out.F32s(l.w);
  out.F32s(l.b);
}

// Layer widths and the noise and condition sizes of a model file: far below
// this in any real model, and bounded so that sums of them fit an int.
constexpr uint32_t kMaxWidth = 1u << 20;

int ReadWidth(ByteReader& in, const char* what) {
  const uint32_t v = in.U32();
  if (v > kMaxWidth) in.Fail(std::string("implausible ") + what + " " + std::to_string(v));
  return static_cast<int>(v);
}

LinearWeights ReadLinear(ByteReader& in) {
  LinearWeights l;
  l.in = ReadWidth(in, "layer input width");
  l.out = ReadWidth(in, "layer output width");
  l.w = in.F32s();
  l.b = in.F32s();
  if (l.in <= 0 || l.out <= 0 || l.w.size() != static_cast<size_t>(l.in) * l.out ||
      l.b.size() != static_cast<size_t>(l.out)) {
    in.Fail("a layer has inconsistent sizes");
  }
  return l;
}

EncodedData EncodeTable(const DataTable& table, const DataTransformer& transformer, uint64_t key) {
  EncodedData data;
  data.rows = static_cast<int>(table.rows);
  data.dim = transformer.dim();
  data.spans = transformer.spans();
  data.data = transformer.Encode(table, key);
  return data;
}

// The budgets a private Fit accepts (issue 14's safety checks: below 0.01
// no model learns anything, above 100 the figure protects no one).
constexpr double kMinEpsilon = 0.01, kMaxEpsilon = 100;

// Checks a private fit's budget and returns its delta (the given one, or
// min(1e-5, 1 / (10 rows))). Throws UsageError for a budget out of range.
double CheckDpBudget(const DpOptions& dp, int rows, const std::string& model) {
  if (!(dp.epsilon >= kMinEpsilon && dp.epsilon <= kMaxEpsilon)) {
    throw UsageError(fmt::format("{} --dp: epsilon must be between {} and {} (got {})", model, kMinEpsilon, kMaxEpsilon,
                                 dp.epsilon));
  }
  if (!(dp.max_grad_norm > 0) || !std::isfinite(dp.max_grad_norm)) {
    throw UsageError(fmt::format("{} --dp: the clipping bound must be positive", model));
  }
  if (!(dp.delta >= 0 && dp.delta < 1)) throw UsageError(fmt::format("{} --dp: delta must be in [0, 1)", model));
  if (!(dp.preprocessing_share >= 0 && dp.preprocessing_share < 1)) {
    throw UsageError(fmt::format("{} --dp: the preprocessing share of epsilon must be in [0, 1), got {:g}", model,
                                 dp.preprocessing_share));
  }
  return dp.delta > 0 ? dp.delta : std::min(1e-5, 1 / (10.0 * rows));
}

// DP-SGD's plan for a table of `rows` rows: Poisson sampling at q = batch /
// rows; steps = epochs / q (as Opacus counts them), rounded up to a
// multiple of `steps_multiple` (CTGAN's discriminator steps per generator
// step); sigma solved so that those steps spend exactly what is left of
// (epsilon, delta) after the preprocessing `pre` (basic composition).
DpSgdOptions PlanDpSgd(const DpOptions& dp, double delta, const DpPreprocessing& pre, int rows, int batch,
                       int epochs, int steps_multiple, const std::string& model) {
  if (epochs < 1) throw UsageError(fmt::format("{} --dp: at least one epoch", model));
  DpSgdOptions plan;
  plan.enabled = true;
  plan.sample_rate = std::min(1.0, static_cast<double>(std::max(1, batch)) / rows);
  const double generator_steps = std::ceil(epochs / plan.sample_rate / steps_multiple - 1e-9);
  plan.steps = static_cast<int64_t>(generator_steps) * steps_multiple;
  plan.max_grad_norm = dp.max_grad_norm;
  plan.noise_multiplier =
      dp::SolveNoiseMultiplier(dp.epsilon - pre.epsilon, delta - pre.delta, plan.sample_rate, plan.steps);
  std::random_device os;  // the OS's (or the CPU's) random source, not a seeded generator
  plan.secret = (static_cast<uint64_t>(os()) << 32) ^ os();
  return plan;
}

TrainOptions MakeTrainOptions(const FitOptions& options) {
  TrainOptions train;
  train.epochs = options.epochs;
  train.batch_size = options.batch_size;
  train.seed = options.seed;
  train.threads = options.threads;
  if (options.progress) {
    train.progress = [&options](int epoch, const std::vector<std::pair<std::string, double>>& losses,
                                double seconds) {
      FitProgress p;
      p.epoch = epoch;
      p.epochs = options.epochs;
      p.seconds = seconds;
      p.losses = losses;
      options.progress(p);
    };
  }
  return train;
}

// CTGAN's architecture and optimiser with the caller's hyperparameters.
// Throws UsageError for one out of range.
CtganConfig MakeCtganConfig(const CtganOptions& options) {
  if (!(options.generator_lr > 0) || !(options.discriminator_lr > 0)) {
    throw UsageError("ctgan: the learning rates must be positive");
  }
  if (options.discriminator_steps < 1) throw UsageError("ctgan: the discriminator steps must be at least 1");
  if (options.pac < 1) throw UsageError("ctgan: pac must be at least 1");
  CtganConfig config;
  config.generator_lr = options.generator_lr;
  config.discriminator_lr = options.discriminator_lr;
  config.discriminator_steps = options.discriminator_steps;
  config.pac = options.pac;
  return config;
}

std::string ColumnsSummary(const DataTransformer& transformer) {
  std::string out;
  const auto& columns = transformer.columns();
  const auto& spans = transformer.spans();
  size_t s = 0;
  for (const ModelColumn& col : columns) {
    out += "  " + col.name + ": " + std::string(DataTypeName(col.type));
    if (col.type == DataType::kCategorical || col.type == DataType::kBoolean) {
      out += fmt::format(", one-hot ({})", spans[s].dim);
      s += 1;
    } else {
      out += fmt::format(", {} mode{}", spans[s + 1].dim, spans[s + 1].dim == 1 ? "" : "s");
      s += 2;
    }
    if (col.null_rate > 0) {
      out += fmt::format(", {:.1f}% NULL", col.null_rate * 100);
      s += 1;
    }
    out += "\n";
  }
  return out;
}

// The privacy line of a summary; empty for a model that is not private.
std::string PrivacySummary(const DpAccount& a) {
  if (a.mechanism.empty()) return "";
  return fmt::format("  private: {} (accountant {}): epsilon {:.4g} of {:.4g}, delta {:.3g}; q {:.4g}, noise {:.4g}, "
                     "clip {:.4g}, {} steps\n",
                     a.mechanism, a.accountant, a.epsilon, a.target_epsilon, a.delta, a.sample_rate,
                     a.noise_multiplier, a.max_grad_norm, a.steps);
}

// State shared by a neural synthesizer and its samplers.
struct CtganModel {
  DataTransformer transformer;
  CtganNetwork network;
  std::vector<DenseLayer> residual;
  DenseLayer output;
  std::vector<std::vector<double>> cond_cumulative;  // per conditional span
  std::vector<int> cond_offsets;                     // per conditional span, in the conditional vector
  int epochs = 0;
  DpAccount privacy;

  void Prepare() {
    residual.clear();
    for (const LinearWeights& l : network.residual) residual.push_back(DenseLayer::From(l));
    output = DenseLayer::From(network.output);
    cond_cumulative.clear();
    cond_offsets.clear();
    int offset = 0;
    for (const Span& s : transformer.spans()) {
      if (!s.conditional) continue;
      cond_offsets.push_back(offset);
      offset += s.dim;
    }
    for (const std::vector<double>& f : network.cond_frequencies) {
      std::vector<double> cum;
      double acc = 0;
      for (double p : f) cum.push_back(acc += p);
      if (!cum.empty()) cum.back() = 1;
      cond_cumulative.push_back(std::move(cum));
    }
  }
};

class CtganDrawer : public RowDrawer {
 public:
  CtganDrawer(std::shared_ptr<const CtganModel> model, int fixed_cond) : model_(std::move(model)), fixed_cond_(fixed_cond) {}

  void Draw(size_t count, RandomStream* streams, double* values, uint8_t* nulls) const override {
    const CtganModel& m = *model_;
    const int emb = m.network.embedding_dim, cond = m.network.cond_dim;
    int width = emb;  // a row of h, without the conditional vector (see below)
    for (const DenseLayer& l : m.residual) width += l.out;
    const int data_dim = m.output.out;
    const size_t d = m.transformer.columns().size();
    std::vector<float> h(kBlockRows * width), out(kBlockRows * data_dim);
    std::vector<int> hot(kBlockRows);
    const size_t spans = m.cond_cumulative.size();
    for (size_t first = 0; first < count; first += kBlockRows) {
      const size_t rows = std::min(kBlockRows, count - first);
      // Each row: [layer L out, ..., layer 1 out, z, cond]; layer l reads the
      // suffix and writes just before it (the residual concatenation). The
      // conditional vector is one-hot (or empty), the inputs' one-hot tail:
      // h holds the rest, the position of its 1 is in hot.
      for (size_t i = 0; i < rows; ++i) {
        RandomStream& random = streams[first + i];
        FillNormals(random, &h[i * width + (width - emb)], emb);
        hot[i] = -1;
        if (fixed_cond_ >= 0) {
          hot[i] = fixed_cond_;
        } else if (spans > 0) {
          const size_t s = random.Below(spans);
          const std::vector<double>& cum = m.cond_cumulative[s];
          const double u = random.Uniform();
          const size_t k = std::min<size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin(), cum.size() - 1);
          hot[i] = m.cond_offsets[s] + static_cast<int>(k);
        }
      }
      const OneHotTail tail{cond, hot.data()};
      int at = width - emb;
      for (const DenseLayer& l : m.residual) {
        Forward(l, &h[at], width, rows, &h[at - l.out], width, true, tail);
        at -= l.out;
      }
      Forward(m.output, h.data(), width, rows, out.data(), data_dim, false, tail);
      DataTransformer::DecodeNoise noise;
      noise.random = streams + first;
      noise.gumbel = true;
      m.transformer.DecodeRows(out.data(), data_dim, rows, noise, values + first * d, nulls + first * d);
    }
  }

 private:
  std::shared_ptr<const CtganModel> model_;
  int fixed_cond_;  // position in the conditional vector, or -1
};

struct TvaeModel {
  DataTransformer transformer;
  TvaeNetwork network;
  std::vector<DenseLayer> hidden;
  DenseLayer output;
  int epochs = 0;
  DpAccount privacy;

  void Prepare() {
    hidden.clear();
    for (const LinearWeights& l : network.hidden) hidden.push_back(DenseLayer::From(l));
    output = DenseLayer::From(network.output);
  }
};

class TvaeDrawer : public RowDrawer {
 public:
  explicit TvaeDrawer(std::shared_ptr<const TvaeModel> model) : model_(std::move(model)) {}

  void Draw(size_t count, RandomStream* streams, double* values, uint8_t* nulls) const override {
    const TvaeModel& m = *model_;
    const int emb = m.network.embedding_dim;
    int widest = emb;
    for (const DenseLayer& l : m.hidden) widest = std::max(widest, l.out);
    const int data_dim = m.output.out;
    const size_t d = m.transformer.columns().size();
    std::vector<float> a(kBlockRows * widest), b(kBlockRows * widest), out(kBlockRows * data_dim);
    for (size_t first = 0; first < count; first += kBlockRows) {
      const size_t rows = std::min(kBlockRows, count - first);
      for (size_t i = 0; i < rows; ++i) {
        FillNormals(streams[first + i], &a[i * widest], emb);
      }
      float* x = a.data();
      float* y = b.data();
      for (const DenseLayer& l : m.hidden) {
        Forward(l, x, widest, rows, y, widest, true);
        std::swap(x, y);
      }
      Forward(m.output, x, widest, rows, out.data(), data_dim, false);
      DataTransformer::DecodeNoise noise;
      noise.random = streams + first;
      noise.gumbel = true;
      noise.sigmas = m.network.sigmas.data();
      m.transformer.DecodeRows(out.data(), data_dim, rows, noise, values + first * d, nulls + first * d);
    }
  }

 private:
  std::shared_ptr<const TvaeModel> model_;
};

// What CTGAN and TVAE share around their networks: the data transformer
// fitted on the table, the constraints, and the model behind a shared
// pointer, which samplers keep alive after the synthesizer is gone.
template <typename Model>
class NeuralSynthesizer : public Synthesizer {
 public:
  const std::vector<ModelColumn>& columns() const override { return model_->transformer.columns(); }
  const std::vector<Constraint>& constraints() const override { return constraints_; }
  const DpAccount& privacy() const override { return model_->privacy; }

 protected:
  // Fits the transformer, encodes the table and trains the network with
  // `train(encoded data, training options)`; the streams are keyed by the
  // synthesizer's name. Under DP the columns and the encoding come from
  // public bounds only, and DP-SGD is planned for `batch` rows a step and
  // `steps_multiple` (see PlanDpSgd), then accounted.
  template <typename Train>
  void FitNetwork(const DataTable& table, const FitOptions& options, int batch, int steps_multiple, Train&& train) {
    auto model = std::make_shared<Model>();
    const std::string name(Name());
    TrainOptions train_options = MakeTrainOptions(options);
    std::vector<ModelColumn> columns;
    if (options.dp.enabled()) {
      if (table.rows > static_cast<size_t>(std::numeric_limits<int>::max())) {
        throw InputError({table.source}, "too many rows for " + name);
      }
      const int rows = static_cast<int>(table.rows);
      const double delta = CheckDpBudget(options.dp, rows, name);
      // Columns without public bounds or categories: estimated with the
      // share of the budget set aside for them (the copula's rule), or
      // refused.
      DpPreprocessing pre;
      columns = PublicModelColumns(table, options.dp, name, delta, &pre);
      ResolveConstraints(columns, options.constraints);
      train_options.dp = PlanDpSgd(options.dp, delta, pre, rows, batch, options.epochs, steps_multiple, name);
      model->transformer.FitPublic(columns);
      // The accountant's figure for the steps the trainer takes: checked
      // before training as well as recorded (the solver promises at most
      // what is left of epsilon; a run that would spend more is refused,
      // not trained).
      dp::RdpAccountant accountant;
      accountant.Add(train_options.dp.sample_rate, train_options.dp.noise_multiplier, train_options.dp.steps);
      const double spent = pre.epsilon + accountant.EpsilonSpent(delta - pre.delta).epsilon;
      if (!(spent <= options.dp.epsilon * (1 + 1e-9))) {
        throw Error(fmt::format("{} --dp: the planned training would spend epsilon {} over the budget {}", name, spent,
                                options.dp.epsilon));
      }
      DpAccount& account = model->privacy;
      account.mechanism = "dp-sgd";
      account.accountant = "rdp";
      account.target_epsilon = options.dp.epsilon;
      account.epsilon = spent;
      account.delta = delta;
      account.preprocessing_epsilon = pre.epsilon;
      account.sample_rate = train_options.dp.sample_rate;
      account.noise_multiplier = train_options.dp.noise_multiplier;
      account.max_grad_norm = train_options.dp.max_grad_norm;
      account.steps = train_options.dp.steps;
      account.public_columns = DescribePublicColumns(columns);
      // An estimated column's line says so (and with what budget).
      for (size_t c = 0; c < columns.size(); ++c) {
        const auto estimated = pre.estimated.find(columns[c].name);
        if (estimated != pre.estimated.end()) account.public_columns[c] = estimated->second;
      }
    } else {
      columns = LearnColumns(table);
      ResolveConstraints(columns, options.constraints);
      model->transformer.Fit(table, columns, DeriveKey(options.seed, Name(), "modes"));
    }
    const EncodedData data = EncodeTable(table, model->transformer, DeriveKey(options.seed, Name(), "encode"));
    model->network = train(data, train_options);
    model->epochs = options.epochs;
    Install(model, options.constraints);
    if (options.dp.enabled()) EstimateColumnStatistics(*model, DeriveKey(options.seed, Name(), "dp-statistics"));
  }

  // A private model's columns know no NULL rate or frequency of the data;
  // they get those of kStatisticsRows rows sampled from the model itself
  // (post-processing: no privacy spent), for the summary and model card.
  void EstimateColumnStatistics(Model& model, uint64_t key) {
    constexpr size_t kStatisticsRows = 10000;
    std::vector<uint64_t> rows(kStatisticsRows);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    std::vector<BatchColumn> out;
    MakeSampler(SampleSpec{})->SampleRows(rows, key, out);
    const std::vector<ModelColumn>& columns = model.transformer.columns();
    std::vector<double> null_rates(columns.size());
    std::vector<std::vector<double>> frequencies(columns.size());
    for (size_t c = 0; c < columns.size(); ++c) {
      const BatchColumn& col = out[c];
      const size_t k = columns[c].type == DataType::kCategorical ? columns[c].categories.size()
                       : columns[c].type == DataType::kBoolean   ? 2
                                                                 : 0;
      std::vector<double> counts(k, 0.0);
      size_t nulls = 0, present = 0;
      for (size_t i = 0; i < col.size(); ++i) {
        if (col.IsNull(i)) {
          ++nulls;
          continue;
        }
        ++present;
        if (columns[c].type == DataType::kBoolean) {
          counts[col.ints[i] != 0] += 1;
        } else if (k > 0) {
          const auto at = std::find(columns[c].categories.begin(), columns[c].categories.end(), col.texts[i]);
          if (at != columns[c].categories.end()) counts[at - columns[c].categories.begin()] += 1;
        }
      }
      null_rates[c] = static_cast<double>(nulls) / static_cast<double>(col.size());
      if (k > 0 && present > 0) {
        for (double& n : counts) n /= static_cast<double>(present);
        frequencies[c] = std::move(counts);
      }
    }
    model.transformer.SetColumnStatistics(null_rates, frequencies);
  }

  void Install(std::shared_ptr<Model> model, std::vector<Constraint> constraints) {
    model->Prepare();
    model_ = std::move(model);
    constraints_ = std::move(constraints);
  }

  // A payload opens the same way for both: version, transformer,
  // constraints, epochs; the network follows.
  ByteWriter BeginPayload() const {
    ByteWriter out;
    out.U32(kPayloadVersion);
    model_->transformer.Save(out);
    WriteConstraints(out, constraints_);
    out.U32(static_cast<uint32_t>(model_->epochs));
    WriteDpAccount(out, model_->privacy);
    return out;
  }
  std::shared_ptr<Model> BeginLoad(ByteReader& in, std::vector<Constraint>& constraints) const {
    const uint32_t version = in.U32();
    if (version < 1 || version > kPayloadVersion) in.Fail(fmt::format("unsupported {} payload version", Name()));
    auto model = std::make_shared<Model>();
    model->transformer.Load(in);
    constraints = ReadConstraints(in);
    model->epochs = static_cast<int>(in.U32());
    if (version >= 2) model->privacy = ReadDpAccount(in);
    return model;
  }

  // The model's constraints, then the sample's.
  std::vector<Constraint> AllConstraints(const SampleSpec& spec) const {
    std::vector<Constraint> all = constraints_;
    all.insert(all.end(), spec.constraints.begin(), spec.constraints.end());
    return all;
  }

  std::shared_ptr<const Model> model_ = std::make_shared<Model>();
  std::vector<Constraint> constraints_;
};

class CtganSynthesizer : public NeuralSynthesizer<CtganModel> {
 public:
  std::string_view Name() const override { return "ctgan"; }

  void Fit(const DataTable& table, const FitOptions& options) override {
    CtganConfig config = MakeCtganConfig(options.ctgan);  // checked before any work
    // Under DP a row is an example: packs would mix the rows of a Poisson
    // batch, so that one row's presence moved every pack after it.
    if (options.dp.enabled()) config.pac = 1;
    const int batch = std::max(config.pac, (options.batch_size + config.pac - 1) / config.pac * config.pac);
    FitNetwork(table, options, batch, config.discriminator_steps, [&](const EncodedData& data, const TrainOptions& train) {
      return LoadNeuralTrainers().train_ctgan(data, config, train);
    });
  }

  std::string Summary() const override {
    const CtganNetwork& n = model_->network;
    std::string layers;
    for (const LinearWeights& l : n.residual) layers += (layers.empty() ? "" : ", ") + std::to_string(l.out);
    return ColumnsSummary(model_->transformer) +
           fmt::format("  generator: z {} + conditional {} -> residual ({}) -> {} outputs; {} epochs\n",
                       n.embedding_dim, n.cond_dim, layers, n.output.out, model_->epochs) +
           PrivacySummary(model_->privacy);
  }

  std::unique_ptr<RowSampler> MakeSampler(const SampleSpec& spec) const override {
    const std::vector<ModelColumn>& cols = columns();
    std::vector<FixedValue> fixed = ResolveConditions(cols, spec.conditions);
    int fixed_cond = -1;
    for (const FixedValue& f : fixed) {
      int span, offset;
      if (!f.null && fixed_cond < 0 &&
          model_->transformer.ConditionalSpan(f.column, static_cast<int>(f.value), &span, &offset)) {
        fixed_cond = offset;
      }
    }
    return MakeRowSampler(cols, std::make_unique<CtganDrawer>(model_, fixed_cond), std::move(fixed),
                          ResolveConstraints(cols, AllConstraints(spec)), spec);
  }

  std::string SavePayload() const override {
    ByteWriter out = BeginPayload();
    const CtganNetwork& n = model_->network;
    out.U32(static_cast<uint32_t>(n.embedding_dim));
    out.U32(static_cast<uint32_t>(n.cond_dim));
    out.U64(n.residual.size());
    for (const LinearWeights& l : n.residual) WriteLinear(out, l);
    WriteLinear(out, n.output);
    out.U64(n.cond_frequencies.size());
    for (const std::vector<double>& f : n.cond_frequencies) out.F64s(f);
    return std::move(out.bytes());
  }

  void LoadPayload(std::string_view payload, const std::string& file) override {
    ByteReader in(payload, file);
    std::vector<Constraint> constraints;
    std::shared_ptr<CtganModel> model = BeginLoad(in, constraints);
    CtganNetwork& n = model->network;
    n.embedding_dim = ReadWidth(in, "embedding size");
    n.cond_dim = ReadWidth(in, "conditional vector size");
    n.residual.resize(in.Count(8));
    int width = n.embedding_dim + n.cond_dim;
    for (LinearWeights& l : n.residual) {
      l = ReadLinear(in);
      if (l.in != width) in.Fail("the generator's layers do not chain");
      width += l.out;
    }
    n.output = ReadLinear(in);
    if (n.output.in != width || n.output.out != model->transformer.dim()) in.Fail("the output layer does not fit");
    n.cond_frequencies.resize(in.Count(8));
    int cond = 0;
    for (std::vector<double>& f : n.cond_frequencies) {
      f = in.F64s();
      cond += static_cast<int>(f.size());
    }
    // No frequencies: a private model, sampled with a zero conditional vector.
    if (cond != n.cond_dim && !(n.cond_frequencies.empty() && !model->privacy.mechanism.empty())) {
      in.Fail("the conditional vector does not fit");
    }
    if (!in.AtEnd()) in.Fail("trailing bytes after the ctgan model");
    Install(std::move(model), std::move(constraints));
  }
};

class TvaeSynthesizer : public NeuralSynthesizer<TvaeModel> {
 public:
  std::string_view Name() const override { return "tvae"; }

  void Fit(const DataTable& table, const FitOptions& options) override {
    FitNetwork(table, options, options.batch_size, 1, [&](const EncodedData& data, const TrainOptions& train) {
      return LoadNeuralTrainers().train_tvae(data, TvaeConfig{}, train);
    });
  }

  std::string Summary() const override {
    const TvaeNetwork& n = model_->network;
    std::string layers;
    for (const LinearWeights& l : n.hidden) layers += (layers.empty() ? "" : ", ") + std::to_string(l.out);
    return ColumnsSummary(model_->transformer) +
           fmt::format("  decoder: z {} -> ({}) -> {} outputs; {} epochs\n", n.embedding_dim, layers,
                       n.output.out, model_->epochs) +
           PrivacySummary(model_->privacy);
  }

  std::unique_ptr<RowSampler> MakeSampler(const SampleSpec& spec) const override {
    const std::vector<ModelColumn>& cols = columns();
    std::vector<FixedValue> fixed = ResolveConditions(cols, spec.conditions);
    return MakeRowSampler(cols, std::make_unique<TvaeDrawer>(model_), std::move(fixed),
                          ResolveConstraints(cols, AllConstraints(spec)), spec);
  }

  std::string SavePayload() const override {
    ByteWriter out = BeginPayload();
    const TvaeNetwork& n = model_->network;
    out.U32(static_cast<uint32_t>(n.embedding_dim));
    out.U64(n.hidden.size());
    for (const LinearWeights& l : n.hidden) WriteLinear(out, l);
    WriteLinear(out, n.output);
    out.F32s(n.sigmas);
    return std::move(out.bytes());
  }

  void LoadPayload(std::string_view payload, const std::string& file) override {
    ByteReader in(payload, file);
    std::vector<Constraint> constraints;
    std::shared_ptr<TvaeModel> model = BeginLoad(in, constraints);
    TvaeNetwork& n = model->network;
    n.embedding_dim = ReadWidth(in, "embedding size");
    n.hidden.resize(in.Count(8));
    int width = n.embedding_dim;
    for (LinearWeights& l : n.hidden) {
      l = ReadLinear(in);
      if (l.in != width) in.Fail("the decoder's layers do not chain");
      width = l.out;
    }
    n.output = ReadLinear(in);
    n.sigmas = in.F32s();
    if (n.output.in != width || n.output.out != model->transformer.dim() ||
        n.sigmas.size() != static_cast<size_t>(n.output.out)) {
      in.Fail("the output layer does not fit");
    }
    if (!in.AtEnd()) in.Fail("trailing bytes after the tvae model");
    Install(std::move(model), std::move(constraints));
  }
};

}  // namespace

std::unique_ptr<Synthesizer> MakeCtganSynthesizer() { return std::make_unique<CtganSynthesizer>(); }
std::unique_ptr<Synthesizer> MakeTvaeSynthesizer() { return std::make_unique<TvaeSynthesizer>(); }

}  // namespace seedforge::internal
