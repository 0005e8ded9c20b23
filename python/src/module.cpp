// The _nmfkit extension: the library's functions for the nmfkit Python package, and the
// translation of its errors (InvalidArgument → ValueError, FormatError and IoError →
// OSError, any other nmfkit error → RuntimeError), each with the C++ message.

#include "bindings.hpp"
#include "nmfkit/version.hpp"

PYBIND11_MODULE(_nmfkit, m) {
  namespace py = pybind11;
  using namespace nmfkit;
  m.doc() = "nmfkit's C++ core (use the nmfkit package, not this module)";
  m.attr("__version__") = kVersion;

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const InvalidArgument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const FormatError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const IoError& e) {
      PyErr_SetString(PyExc_OSError, e.what());
    } catch (const Cancelled& e) {
      PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
    } catch (const Error& e) {
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  // Throws the named C++ error, so that the tests can check the translation of each type.
  m.def(
      "_raise",
      [](const std::string& kind, const std::string& message) {
        if (kind == "InvalidArgument") throw InvalidArgument(message);
        if (kind == "FormatError") throw FormatError("file.txt", "line 3", message);
        if (kind == "IoError") throw IoError(message);
        if (kind == "Cancelled") throw Cancelled();
        if (kind == "Error") throw Error(message);
        throw std::logic_error(message);
      },
      py::arg("kind"), py::arg("message") = "");

  python::bind_nmf(m);
  python::bind_minibatch(m);
  python::bind_text(m);
  python::bind_tensor(m);
  python::bind_semantic(m);
  python::bind_identifiability(m);
  python::bind_select(m);
  python::bind_cluster(m);
  python::bind_associations(m);
  python::bind_multimodal(m);
  python::bind_topic_model(m);
}
