#pragma once
// Internal to the HDF5 readers and writers: identifiers released on scope exit, a session
// that turns HDF5's printed errors off (and serialises access where the library is not
// thread-safe), and the most specific message on HDF5's error stack.

#include <hdf5.h>

#include <mutex>
#include <string>

namespace nmfkit::io::detail {

// An HDF5 identifier of any kind (file, group, dataset, type, space, attribute, property
// list), released when it goes out of scope. H5Idec_ref closes each kind the right way.
class Id {
 public:
  Id() = default;
  explicit Id(hid_t id) : id_(id) {}
  Id(Id&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& other) noexcept {
    if (this != &other) {
      release();
      id_ = other.id_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  ~Id() { release(); }

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  void release() {
    if (id_ >= 0) H5Idec_ref(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
};

// HDF5 prints its error stack to stderr by default; every failure here becomes one
// exception instead, so printing is off while a file is read and restored afterwards.
// A library built without thread safety also shares that setting (and everything else)
// between threads, so reads then take turns.
class Session {
 public:
  Session() : lock_(mutex()) {
    H5Eget_auto2(H5E_DEFAULT, &saved_func_, &saved_data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session() { H5Eset_auto2(H5E_DEFAULT, saved_func_, saved_data_); }

 private:
#ifdef H5_HAVE_THREADSAFE
  struct NoMutex {
    void lock() {}
    void unlock() {}
  };
  static NoMutex& mutex() {
    static NoMutex m;
    return m;
  }
  std::lock_guard<NoMutex> lock_;
#else
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  std::lock_guard<std::mutex> lock_;
#endif
  H5E_auto2_t saved_func_ = nullptr;
  void* saved_data_ = nullptr;
};

// The innermost description on HDF5's error stack: the most specific cause (such as a
// compression filter that is not available), or "" when the stack is empty.
inline std::string hdf5_message() {
  std::string message;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_DOWNWARD,
      [](unsigned, const H5E_error2_t* error, void* data) -> herr_t {
        if (error->desc != nullptr && error->desc[0] != '\0') {
          *static_cast<std::string*>(data) = error->desc;
        }
        return 0;
      },
      &message);
  return message.empty() ? "HDF5 gave no reason" : message;
}

}  // namespace nmfkit::io::detail
