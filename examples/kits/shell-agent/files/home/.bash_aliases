# Copied to /home/agent/.bash_aliases by the shell-agent kit.
alias ll='ls -la'
