// The ganvae native addon: oneDNN kernels for tfjs's CPU backend, plus a description of the
// library and CPU it runs on (for `ganvae doctor`).
#include <malloc.h>
#include <omp.h>
#include <pthread.h>
#include <signal.h>
#if defined(__SSE__)
#include <xmmintrin.h>
#endif

#include "common.h"

namespace ganvae {

// The exported functions (kernels.def): kernels in kernels/, Info, SetThreads and SetPrecision below.
#define GANVAE_KERNEL(cppName, jsName) Napi::Value cppName(const Napi::CallbackInfo& info);
#define GANVAE_ONEDNN_KERNEL(cppName, jsName) Napi::Value cppName(const Napi::CallbackInfo& info);
#define GANVAE_FUNCTION(cppName, jsName) Napi::Value cppName(const Napi::CallbackInfo& info);
#include "kernels.def"

namespace {

const char* isaName(dnnl::cpu_isa isa) {
  switch (isa) {
    case dnnl::cpu_isa::sse41: return "SSE4.1";
    case dnnl::cpu_isa::avx: return "AVX";
    case dnnl::cpu_isa::avx2: return "AVX2";
    case dnnl::cpu_isa::avx512_mic: return "AVX-512 (MIC)";
    case dnnl::cpu_isa::avx512_mic_4ops: return "AVX-512 (MIC 4ops)";
    case dnnl::cpu_isa::avx512_core: return "AVX-512";
    case dnnl::cpu_isa::avx512_core_vnni: return "AVX-512 VNNI";
    case dnnl::cpu_isa::avx512_core_bf16: return "AVX-512 BF16";
    case dnnl::cpu_isa::avx512_core_amx: return "AVX-512 AMX";
    case dnnl::cpu_isa::avx2_vnni: return "AVX2 VNNI";
    default: return "unknown";
  }
}

// Whether every ISA bit of `feature` is in `isa` (oneDNN's cpu_isa values are bit sets, each including those below it).
bool hasIsa(dnnl::cpu_isa isa, dnnl::cpu_isa feature) {
  const auto bits = static_cast<unsigned>(feature);
  return (static_cast<unsigned>(isa) & bits) == bits;
}

// How oneDNN runs bf16 convolutions and matrix products here: "native" (avx512_bf16 or AMX instructions),
// "emulated" (AVX-512 without them: oneDNN converts in software, slower than fp32) or "unsupported".
const char* bf16Support(dnnl::cpu_isa isa) {
  if (hasIsa(isa, dnnl::cpu_isa::avx512_core_bf16)) return "native";
  if (hasIsa(isa, dnnl::cpu_isa::avx512_core)) return "emulated";
  return "unsupported";
}

}  // namespace

// info() -> { onednn: "2.6.3", isa: "AVX-512", bf16: "native" | "emulated" | "unsupported", precision: "fp32" | "bf16",
//            threads: 2, runtime: "OpenMP" }
Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const dnnl_version_t* v = dnnl_version();
  Napi::Object result = Napi::Object::New(env);
  result.Set("onednn", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  result.Set("isa", isaName(dnnl::get_effective_cpu_isa()));
  result.Set("bf16", bf16Support(dnnl::get_effective_cpu_isa()));
  result.Set("precision", precision() == Precision::bf16 ? "bf16" : "fp32");
  result.Set("threads", omp_get_max_threads());
  result.Set("runtime", "OpenMP");
  return result;
}

// setThreads(n): the number of threads oneDNN's OpenMP runtime uses from now on.
Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  int64_t n = intArg(info, 0, "threads");
  expectAtLeast(info.Env(), n, 1, "threads");
  omp_set_num_threads(static_cast<int>(std::min<int64_t>(n, 1024)));
  return info.Env().Undefined();
}

// setPrecision(code): 0 fp32, 1 bf16 operands (fp32 accumulation and results) for convolutions and matrix
// products from now on; bf16 needs AVX-512 (it is emulated without avx512_bf16 or AMX).
Napi::Value SetPrecision(const Napi::CallbackInfo& info) {
  int64_t code = intArg(info, 0, "precision");
  if (code != static_cast<int64_t>(Precision::fp32) && code != static_cast<int64_t>(Precision::bf16)) {
    throw Napi::RangeError::New(info.Env(), "precision code must be 0 (fp32) or 1 (bf16), got " + std::to_string(code));
  }
  if (code == static_cast<int64_t>(Precision::bf16) && !hasIsa(dnnl::get_effective_cpu_isa(), dnnl::cpu_isa::avx512_core)) {
    throw Napi::Error::New(info.Env(), "bf16 needs AVX-512; oneDNN's ISA here is " +
                                           std::string(isaName(dnnl::get_effective_cpu_isa())));
  }
  setPrecision(static_cast<Precision>(code));
  return info.Env().Undefined();
}

namespace {

#if defined(__SSE__)
// MXCSR's flush-to-zero (results) and denormals-are-zero (inputs) bits.
constexpr unsigned kFlushDenormals = 0x8040;

// Flushes float denormals to zero on the calling thread while it lives, then restores the previous
// mode, so that JavaScript on the main thread keeps IEEE denormals. TensorFlow runs its CPU kernels
// the same way (port::ScopedFlushDenormal): training drives some gradients and Adam moments into the
// denormal range, where every SSE/AVX operation on them takes a microcode assist (measured: the vae28
// training loop fell from ~720 to ~320 images/s after ~750 steps, and stayed at ~730 with them flushed).
class ScopedFlushDenormals {
 public:
  ScopedFlushDenormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ | kFlushDenormals); }
  ~ScopedFlushDenormals() { _mm_setcsr(saved_); }
  ScopedFlushDenormals(const ScopedFlushDenormals&) = delete;
  ScopedFlushDenormals& operator=(const ScopedFlushDenormals&) = delete;

 private:
  unsigned saved_;
};

// Gives the OpenMP workers that exist now the flushing mode for good (they run nothing but kernels).
// Workers started later are started by a kernel's parallel region, from a thread in that mode, and
// inherit it.
void flushDenormalsInWorkers() {
  ScopedFlushDenormals flush;
#pragma omp parallel
  _mm_setcsr(_mm_getcsr() | kFlushDenormals);
}
#else
struct ScopedFlushDenormals {};
void flushDenormalsInWorkers() {}
#endif

// The asynchronous signals (SIGINT, SIGTERM, SIGUSR2, ...): all but those a faulting instruction raises.
const sigset_t& asynchronousSignals() {
  static const sigset_t set = [] {
    sigset_t s;
    sigfillset(&s);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGABRT, SIGSYS}) sigdelset(&s, sig);
    return s;
  }();
  return set;
}

// Holds asynchronous signals back from the calling thread while it lives; the kernel delivers them to another thread
// (libuv's handler only writes to a pipe, so it runs anywhere) or to this one afterwards. oneDNN 2.6's jit sgemm
// kernels move the stack pointer into a heap buffer: a signal handler run on a thread inside one writes its frame past
// that buffer. A SIGUSR2 storm during small-output weight gradients corrupted the heap within 2 s in 5 of 5 runs, and a
// signalled training run aborted ("corrupted size vs. prev_size") in up to 9 of 15.
class ScopedDeferSignals {
 public:
  ScopedDeferSignals() { pthread_sigmask(SIG_BLOCK, &asynchronousSignals(), &saved_); }
  ~ScopedDeferSignals() { pthread_sigmask(SIG_SETMASK, &saved_, nullptr); }
  ScopedDeferSignals(const ScopedDeferSignals&) = delete;
  ScopedDeferSignals& operator=(const ScopedDeferSignals&) = delete;

 private:
  sigset_t saved_;
};

// Sets up the OpenMP workers that exist now for good (they run nothing but kernels): denormals flushed, asynchronous
// signals blocked. Workers started later are started by a kernel's parallel region, from a thread in those modes, and
// inherit them.
void prepareWorkers() {
  ScopedFlushDenormals flush;
  ScopedDeferSignals defer;
  flushDenormalsInWorkers();
#pragma omp parallel
  pthread_sigmask(SIG_BLOCK, &asynchronousSignals(), nullptr);
}

// A kernel entry point: denormals flushed to zero (ScopedFlushDenormals).
template <Napi::Value (*Kernel)(const Napi::CallbackInfo&)>
Napi::Value AsKernel(const Napi::CallbackInfo& info) {
  ScopedFlushDenormals flush;
  return Kernel(info);
}

// The entry point of a kernel that runs oneDNN's code: asynchronous signals deferred as well (ScopedDeferSignals).
// Only those: the two sigprocmask calls cost about 1.7 us a call on a Zen 5 EPYC VM, half of an element-wise
// kernel's whole call on a small tensor, and the kernels of our own run on ordinary stacks.
template <Napi::Value (*Kernel)(const Napi::CallbackInfo&)>
Napi::Value AsOneDnnKernel(const Napi::CallbackInfo& info) {
  ScopedDeferSignals defer;
  return AsKernel<Kernel>(info);
}

}  // namespace

}  // namespace ganvae

static Napi::Object InitAddon(Napi::Env env, Napi::Object exports) {
  using namespace ganvae;
  // Every tfjs kernel returns a fresh typed array. By default glibc maps each one over 128 KiB
  // anew (mmap) and the first write to each page faults, which cost more than the arithmetic of an
  // element-wise op. Serving them from the heap and keeping freed memory there avoids the faults;
  // the price is that RSS stays at its peak instead of shrinking between steps.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_TOP_PAD, 64 << 20);
  // oneDNN's sgemm allocates its packing buffers on its worker threads; with an arena per thread, each kept its own
  // untrimmed high-water mark and W3's peak RSS ranged 525-772 MiB between identical runs. One arena for all.
  mallopt(M_ARENA_MAX, 1);
  prepareWorkers();
#define GANVAE_KERNEL(cppName, jsName) exports.Set(#jsName, Napi::Function::New(env, AsKernel<cppName>));
#define GANVAE_ONEDNN_KERNEL(cppName, jsName) exports.Set(#jsName, Napi::Function::New(env, AsOneDnnKernel<cppName>));
#define GANVAE_FUNCTION(cppName, jsName) exports.Set(#jsName, Napi::Function::New(env, cppName));
#include "kernels.def"
  return exports;
}

NODE_API_MODULE(ganvae_native, InitAddon)
