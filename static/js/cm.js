// Recording a drug test from the keyboard: in the result list a letter
// picks the result (the browser does that), and Enter saves the form.
document.addEventListener("keydown", (event) => {
  const field = event.target;
  if (event.key !== "Enter" || !field.matches || !field.matches("select[data-submit-on-enter]")) {
    return;
  }
  event.preventDefault();
  field.form.requestSubmit();
});
