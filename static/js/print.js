// Shows the "print this advice" buttons (hidden without JavaScript: the browser's own
// print command does the same) and prints the page when one is pressed.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
