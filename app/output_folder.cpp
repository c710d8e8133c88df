// Output folders made on rank 0, with the outcome broadcast to every rank.
#include "app/output_folder.hpp"

#include <petscsys.h>

namespace stf::app {

void open_output_folder(const AppContext& context, const std::filesystem::path& out, bool force,
                        const std::filesystem::path& case_file, std::optional<io::OutputFolder>& folder,
                        const std::vector<std::string>& subfolders)
{
  enum Problem : int { none = 0, exists = 1, io_error = 2 };
  int problem = none;
  std::string message;
  if (context.is_root()) {
    try {
      folder.emplace(out, force, std::vector<std::filesystem::path>{case_file});
      for (const auto& sub : subfolders) std::filesystem::create_directories(folder->file(sub));
    } catch (const io::OutputExistsError& e) {
      problem = exists;
      message = e.what();
    } catch (const std::exception& e) {
      problem = io_error;
      message = std::string("cannot create the output folder ") + out.string() + ": " + e.what();
    }
  }
  if (context.parallel) MPI_Bcast(&problem, 1, MPI_INT, 0, PETSC_COMM_WORLD);
  // Only rank 0 prints errors; the others carry a short message for their own exit path.
  if (problem == exists) throw io::OutputExistsError(context.is_root() ? message : "the output folder exists");
  if (problem == io_error) throw io::IoError(context.is_root() ? message : "cannot create the output folder");
}

}  // namespace stf::app
